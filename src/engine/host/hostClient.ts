/**
 * The relaying side of the engine host: turns calls into messages and replies back into promises,
 * and hands engine events to listeners. It holds no logic of the engine; Electron's main process
 * uses it over a UtilityProcess, tests over child_process.fork.
 */
import type { ApiErrorBody, EngineEvent } from '../../shared/api';
import type { HostMessage, HostRequest, MessageChannelEnd } from './protocol';

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

type Pending = (outcome: CallOutcome) => void;
type RequestBody = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, 'id'> : never) : never;

export class EngineHostClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  /** Resolves when the host has opened the engine; rejects with the host's message when it could not. */
  readonly ready: Promise<void>;
  private settleReady!: { resolve: () => void; reject: (err: Error) => void };

  constructor(private readonly channel: MessageChannelEnd<HostMessage, HostRequest>) {
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined); // observed through request() and by whoever awaits `ready`
    channel.onMessage((m) => this.receive(m));
  }

  call(method: string, input: unknown): Promise<CallOutcome> {
    return this.request({ type: 'call', method, input });
  }

  /** Trusted callers only (after a native folder dialog): lets the user interface name paths inside `root`. */
  async grant(root: string): Promise<string> {
    const outcome = await this.request({ type: 'grant', root });
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.result as string;
  }

  async close(): Promise<void> {
    await this.request({ type: 'close' });
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The host process ended: every call still waiting is answered with an error. */
  hostExited(description: string): void {
    this.settleReady.reject(new Error(`The engine process stopped (${description}).`));
    for (const [id, settle] of this.pending) {
      this.pending.delete(id);
      settle({ ok: false, error: { code: 'internal', message: `The engine process stopped (${description}); restart the app.` } });
    }
  }

  /** Requests wait for the host to be ready: messages sent before it listens would be lost. */
  private async request(body: RequestBody): Promise<CallOutcome> {
    try {
      await this.ready;
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: (err as Error).message } };
    }
    const id = this.nextId++;
    return new Promise<CallOutcome>((resolve) => {
      this.pending.set(id, resolve);
      this.channel.send({ ...body, id } as HostRequest);
    });
  }

  private receive(m: HostMessage): void {
    switch (m.type) {
      case 'reply': {
        const settle = this.pending.get(m.id);
        this.pending.delete(m.id);
        settle?.(m.ok ? { ok: true, result: m.result } : { ok: false, error: m.error });
        return;
      }
      case 'event':
        for (const listener of this.listeners) listener(m.event);
        return;
      case 'ready':
        this.settleReady.resolve();
        return;
      case 'failed':
        this.settleReady.reject(new Error(m.error.message));
        return;
    }
  }
}
