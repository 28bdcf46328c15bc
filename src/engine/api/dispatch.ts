import { isMethodName, methods, type MethodName, type MethodOutput, type MethodParsedInput } from '../../shared/api';
import { ApiError } from './errors';

export type Handlers = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M> };

/**
 * Validates an untrusted call against the contract and runs its handler.
 * Every transport goes through here, so no handler ever sees unvalidated input.
 */
export async function dispatch(handlers: Handlers, method: unknown, rawInput: unknown): Promise<unknown> {
  if (!isMethodName(method)) {
    throw new ApiError('unknown_method', `Unknown method: ${typeof method === 'string' ? method.slice(0, 100) : typeof method}`);
  }
  const parsed = methods[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
      .join('; ');
    throw new ApiError('bad_request', `Invalid input for ${method}: ${issues}`);
  }
  const handler = handlers[method] as (input: unknown) => unknown;
  return await handler(parsed.data);
}
