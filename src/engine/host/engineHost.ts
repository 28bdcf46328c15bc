/**
 * The engine host: a plain Node process that opens the engine and answers the messages of
 * protocol.ts, so that scans, PDF parsing and model calls never block the window's thread.
 * Electron starts it with utilityProcess.fork (messages on process.parentPort); tests and other
 * Node parents with child_process.fork (messages on process.send / 'message').
 *
 * Arguments: --data-dir DIR [--transport electron|http|direct] [--allow DIR]... [--remember-grants]
 */
import { parseArgs } from 'node:util';
import { Engine } from '../api/engine';
import { readGrants, rememberGrant } from './grantsFile';
import type { HostMessage, MessageChannelEnd } from './protocol';
import { serveEngine } from './serveEngine';

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

function parentChannel(): MessageChannelEnd<unknown, HostMessage> {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return { send: (m) => parentPort.postMessage(m), onMessage: (fn) => parentPort.on('message', (e) => fn(e.data)) };
  }
  if (!process.send) throw new Error('engineHost must be started with an IPC channel (child_process.fork or Electron utilityProcess.fork).');
  return { send: (m) => process.send!(m), onMessage: (fn) => process.on('message', fn) };
}

async function runHost(): Promise<void> {
  const channel = parentChannel();
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'data-dir': { type: 'string' },
      transport: { type: 'string', default: 'electron' },
      allow: { type: 'string', multiple: true, default: [] },
      'remember-grants': { type: 'boolean', default: false },
    },
  });
  const dataDir = values['data-dir'];
  const transport = values.transport as 'electron' | 'http' | 'direct';
  let engine: Engine;
  try {
    if (!dataDir) throw new Error('engineHost needs --data-dir');
    if (!['electron', 'http', 'direct'].includes(transport)) throw new Error(`unknown transport ${transport}`);
    engine = await Engine.open({ dataDir, transport, allowedRoots: values.allow });
    if (values['remember-grants']) {
      for (const root of readGrants(engine.layout.root)) {
        try {
          engine.grantRoot(root);
        } catch {
          // A remembered folder that is gone or unreadable is simply not granted this time.
        }
      }
    }
  } catch (err) {
    // Opening fails for reasons the person must read (a database that is not ours): keep the message.
    channel.send({ type: 'failed', error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
    return;
  }
  const remember = values['remember-grants'] ? (root: string) => rememberGrant(engine.layout.root, root) : undefined;
  serveEngine(engine, channel, { onGrant: remember, onClosed: () => process.exit(0) });
  channel.send({ type: 'ready' });
}

// A child_process parent that goes away takes the host with it (Electron ends utility processes itself).
process.on('disconnect', () => process.exit(0));
await runHost();
