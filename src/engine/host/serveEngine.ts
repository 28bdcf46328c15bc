/** Answers host requests with an engine: the body of the engine host, testable in one process. */
import type { Engine } from '../api/engine';
import { ApiError, toErrorBody } from '../api/errors';
import type { EngineEvent } from '../../shared/api';
import { isHostRequest, type HostMessage, type HostRequest, type MessageChannelEnd } from './protocol';

export interface ServeOptions {
  /** Called after a `grant` succeeded (the host remembers it in the data folder). */
  onGrant?: (root: string) => void;
  /** Called after `close` closed the engine. */
  onClosed?: () => void;
}

export function serveEngine(engine: Engine, channel: MessageChannelEnd<unknown, HostMessage>, opts: ServeOptions = {}): void {
  const forward = (event: EngineEvent) => channel.send({ type: 'event', event });
  engine.events.on('event', forward);

  const answer = async (req: HostRequest): Promise<unknown> => {
    switch (req.type) {
      case 'call':
        return engine.call(req.method, req.input);
      case 'grant': {
        if (typeof req.root !== 'string') throw new ApiError('bad_request', 'grant needs a folder path.');
        const real = engine.grantRoot(req.root);
        opts.onGrant?.(real);
        return real;
      }
      case 'close':
        engine.events.off('event', forward);
        await engine.close();
        return null;
    }
  };

  channel.onMessage((message) => {
    if (!isHostRequest(message)) return;
    answer(message).then(
      (result) => {
        channel.send({ type: 'reply', id: message.id, ok: true, result });
        if (message.type === 'close') opts.onClosed?.();
      },
      (err: unknown) => channel.send({ type: 'reply', id: message.id, ok: false, error: toErrorBody(err) }),
    );
  });
}
