import { randomBytes } from 'node:crypto';
import type { ApiErrorBody, ApiErrorCode } from '../../shared/api';

/** An error meant for the person using the app: its message says what went wrong and what to do. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** A stable key a user interface can word in its own language (ApiErrorBody.reason), with its values. */
    readonly reason?: { key: string; params?: Record<string, string | number> },
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.reason ? { reason: this.reason.key, ...(this.reason.params ? { params: this.reason.params } : {}) } : {}),
    };
  }
}

export type ErrorLogger = (...args: unknown[]) => void;

/**
 * Turns anything thrown into the body a transport sends back. An ApiError keeps its message
 * (written for the user); anything else may carry file paths, SQL or a stack, so the client gets
 * a generic message with an id, and the details go to the log under that id.
 */
export function toErrorBody(err: unknown, log: ErrorLogger = console.error): ApiErrorBody {
  if (err instanceof ApiError) return err.toBody();
  const id = randomBytes(4).toString('hex');
  log(`[tenc error ${id}]`, err);
  return { code: 'internal', message: `Something went wrong inside the app (error id ${id}; the details are in its log).` };
}
