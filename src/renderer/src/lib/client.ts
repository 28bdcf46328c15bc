import type { ApiClient, ApiErrorBody, EngineEvent, MethodInput, MethodName, MethodOutput, PreloadBridge } from '../../../shared/api';

/** An error returned by the engine, with the code and message it sent. */
export class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** A stable key the renderer words in the user's language (ApiErrorBody.reason), with its values. */
    readonly reason?: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
  }
}

/** Picks the transport: the Electron preload bridge when present, else the local HTTP server. */
export function createClient(): ApiClient {
  const bridge = (window as unknown as { tenc?: PreloadBridge }).tenc;
  return bridge ? electronClient(bridge) : httpClient();
}

function electronClient(bridge: PreloadBridge): ApiClient {
  return {
    transport: 'electron',
    async call<M extends MethodName>(method: M, input: MethodInput<M>) {
      const reply = await bridge.call(method, input);
      if (!reply.ok) throw new ClientError(reply.error.code, reply.error.message, reply.error.reason, reply.error.params);
      return reply.result as MethodOutput<M>;
    },
    onEvent: (listener) => bridge.onEvent(listener),
    chooseFolder: () => bridge.chooseFolder(),
    showFile: (target) => bridge.showFile(target),
    grantDroppedFolder: (file) => bridge.grantDroppedFolder(file),
    chooseDataFolder: () => bridge.chooseDataFolder(),
  };
}

function httpClient(): ApiClient {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? sessionStorage.getItem('tenc-token');
  if (!token) {
    throw new Error('No access token: open the address that `npm run serve` printed (it ends with #token=...).');
  }
  sessionStorage.setItem('tenc-token', token);
  // Keep the token out of the visible address bar and history once it is stored.
  history.replaceState(null, '', location.pathname);
  const listeners = new Set<(e: EngineEvent) => void>();
  let source: EventSource | null = null;
  const connect = () => {
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (msg) => {
      const event = JSON.parse(msg.data) as EngineEvent;
      for (const l of listeners) l(event);
    };
  };
  return {
    transport: 'http',
    async call<M extends MethodName>(method: M, input: MethodInput<M>) {
      const res = await fetch(`/api/call/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      const reply = (await res.json()) as { ok: boolean; result?: unknown; error?: ApiErrorBody };
      if (!reply.ok)
        throw new ClientError(reply.error?.code ?? 'internal', reply.error?.message ?? `HTTP ${res.status}`, reply.error?.reason, reply.error?.params);
      return reply.result as MethodOutput<M>;
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!source) connect();
      return () => listeners.delete(listener);
    },
  };
}
