/**
 * The messages between a process that shows a user interface (Electron's main process) and the
 * engine host, the separate process where the engine runs. Every payload is plain, structured-
 * cloneable data; `call` inputs are untrusted and validated by the engine as on any transport.
 */
import type { ApiErrorBody, EngineEvent } from '../../shared/api';

export type HostRequest =
  | { type: 'call'; id: number; method: string; input: unknown }
  /** Trusted: only the relaying process sends it, after the user chose a folder in a native dialog. */
  | { type: 'grant'; id: number; root: string }
  | { type: 'close'; id: number };

export type HostReply = { type: 'reply'; id: number } & ({ ok: true; result: unknown } | { ok: false; error: ApiErrorBody });

export type HostMessage =
  | HostReply
  | { type: 'event'; event: EngineEvent }
  /** Sent once the engine is open; `error` when it could not open (the host then exits). */
  | { type: 'ready' }
  | { type: 'failed'; error: ApiErrorBody };

/** The two ends of a message channel: child_process IPC, or Electron's parentPort / UtilityProcess. */
export interface MessageChannelEnd<In, Out> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
}

export function isHostRequest(value: unknown): value is HostRequest {
  const m = value as { type?: unknown; id?: unknown } | null;
  return !!m && typeof m === 'object' && typeof m.id === 'number' && (m.type === 'call' || m.type === 'grant' || m.type === 'close');
}
