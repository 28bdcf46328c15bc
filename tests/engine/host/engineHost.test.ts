/**
 * The engine in its own process: a real call through the host (a corpus indexed as a job, its
 * progress events relayed), errors as bodies, grants remembered, and a refusal to open a database
 * that is not ours reported with its message.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { EngineEvent, JobSnapshot } from '../../../src/shared/api';
import { EngineHostClient } from '../../../src/engine/host/hostClient';
import type { HostMessage, HostRequest } from '../../../src/engine/host/protocol';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const HOST = path.join(repoRoot, 'src/engine/host/engineHost.ts');
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-host-')));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill();
  fs.rmSync(base, { recursive: true, force: true });
});

function startHost(args: string[]): { client: EngineHostClient; child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = fork(HOST, args, { cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const client = new EngineHostClient({
    send: (m: HostRequest) => child.send(m),
    onMessage: (fn: (m: HostMessage) => void) => child.on('message', (m) => fn(m as HostMessage)),
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      client.hostExited(`exit code ${code}`);
      resolve(code);
    }),
  );
  return { client, child, exited, stderr: () => stderr };
}

it('runs a real call in the host process, relays its job events and answers errors as bodies', async () => {
  const docs = path.join(base, 'docs');
  fs.cpSync(path.join(repoRoot, 'resources/sample-corpus'), docs, { recursive: true });
  const dataDir = path.join(base, 'data');
  const { client, child, exited } = startHost(['--data-dir', dataDir, '--transport', 'electron', '--remember-grants']);
  await client.ready;
  expect(child.pid).not.toBe(process.pid);

  const info = await client.call('app.info', {});
  expect(info).toMatchObject({ ok: true, result: { transport: 'electron', allowedRoots: [] } });

  // Not granted yet: refused by the path policy inside the host.
  const refused = await client.call('corpora.create', { name: 'docs', path: docs });
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden_path' } });

  expect(await client.grant(docs)).toBe(docs);
  const events: EngineEvent[] = [];
  client.onEvent((e) => events.push(e));
  const started = await client.call('corpora.create', { name: 'docs', path: docs });
  expect(started.ok).toBe(true);
  const { jobId } = (started as { result: { jobId: string } }).result;
  const finished = await new Promise<JobSnapshot>((resolve) => {
    const check = () => {
      const done = events.find((e) => e.job.id === jobId && e.job.status !== 'running');
      if (done) resolve(done.job);
      else setTimeout(check, 50);
    };
    check();
  });
  expect(finished.status).toBe('done');
  expect(events.filter((e) => e.job.id === jobId).length).toBeGreaterThan(1);

  const corpora = await client.call('corpora.list', {});
  expect(corpora).toMatchObject({ ok: true, result: [{ name: 'docs', documents: fs.readdirSync(docs).length }] });
  const bad = await client.call('corpora.documents', { corpusId: 'x' });
  expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  const unknown = await client.call('no.such.method', {});
  expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });

  await client.close();
  expect(await exited).toBe(0);

  // The grant was remembered: a new host sees the corpus of that folder again.
  const again = startHost(['--data-dir', dataDir, '--transport', 'electron', '--remember-grants']);
  await again.client.ready;
  expect(await again.client.call('corpora.list', {})).toMatchObject({ ok: true, result: [{ name: 'docs' }] });
  await again.client.close();
  await again.exited;
}, 120_000);

it('reports a database it refuses to open with its message, and exits', async () => {
  const dataDir = path.join(base, 'emptied');
  fs.mkdirSync(dataDir);
  fs.writeFileSync(path.join(dataDir, 'studio.sqlite'), '');
  const { client, exited } = startHost(['--data-dir', dataDir]);
  await expect(client.ready).rejects.toThrow(/empty \(0 bytes\)/);
  expect(await exited).toBe(1);
  expect(await client.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
}, 60_000);
