/**
 * Stored data made by the trusted CLI (any folder) must not be reachable through the browser
 * server started with a narrower --allow: list calls hide it, get/report/export/quarantine refuse.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main as tenc } from '../../src/cli/main';
import { Engine } from '../../src/engine/api/engine';
import { startServer, type RunningServer } from '../../src/server/server';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-stored-policy-')));
const secret = path.join(base, 'secret');
const allowed = path.join(base, 'allowed');
const dataDir = path.join(base, 'data');
let engine: Engine;
let server: RunningServer;
let outsideScanId: number;
let insideScanId: number;

async function call(
  method: string,
  input: unknown,
): Promise<{ status: number; body: { ok: boolean; result?: any; error?: { code: string; message: string } } }> {
  const res = await fetch(`${server.url}/api/call/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}

/** Runs `tenc` in this process, its stdout captured. */
async function runCli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  try {
    return { code: await tenc(args), stdout };
  } finally {
    process.stdout.write = write;
  }
}

beforeAll(async () => {
  for (const dir of [secret, allowed]) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'plan.txt'), `The confidential plan of ${path.basename(dir)}: move the budget review to Thursday afternoon.`);
    fs.writeFileSync(path.join(dir, 'plan-copy.txt'), fs.readFileSync(path.join(dir, 'plan.txt')));
  }
  const outside = await runCli(['dedup', secret, '--no-semantic', '--data-dir', dataDir]);
  expect(outside.code).toBe(0);
  outsideScanId = Number(/scan (\d+)/.exec(outside.stdout)![1]);
  const inside = await runCli(['dedup', allowed, '--no-semantic', '--data-dir', dataDir]);
  expect(inside.code).toBe(0);
  insideScanId = Number(/scan (\d+)/.exec(inside.stdout)![1]);
  engine = await Engine.open({ dataDir, transport: 'http', allowedRoots: [allowed] });
  server = await startServer({ engine, staticDir: path.join(base, 'no-ui') });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await engine?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

it('hides a scan of a folder outside --allow from the list and refuses to report, export or quarantine it', async () => {
  const scans = await call('dedup.scans', {});
  expect(scans.body.ok).toBe(true);
  expect(scans.body.result.map((s: { id: number }) => s.id)).toEqual([insideScanId]);

  const report = await call('dedup.report', { scanId: outsideScanId });
  expect(report.status).toBe(403);
  expect(report.body.error!.code).toBe('forbidden_path');
  expect(JSON.stringify(report.body)).not.toContain('confidential');

  const exported = await call('dedup.export', { scanId: outsideScanId, format: 'csv' });
  expect(exported.status).toBe(403);

  const resumed = await call('dedup.resume', { scanId: outsideScanId });
  expect(resumed.status).toBe(403);

  // Document ids of the outside scan, read from the store as the CLI would see them.
  const ids = (await engine.store.db.all<{ id: number }>('SELECT id FROM documents')).map((r) => r.id);
  const moved = await call('dedup.quarantine', { scanId: outsideScanId, documentIds: ids });
  expect(moved.status).toBe(403);
  expect(fs.readdirSync(secret).sort()).toEqual(['plan-copy.txt', 'plan.txt']);

  const actions = await call('dedup.actions', {});
  expect(actions.body.result).toEqual([]);
});

it('still serves a scan inside --allow', async () => {
  const report = await call('dedup.report', { scanId: insideScanId });
  expect(report.status).toBe(200);
  expect(report.body.result.clusters.length).toBeGreaterThan(0);
  expect(report.body.result.clusters[0].members.every((m: { path: string }) => m.path.startsWith(allowed))).toBe(true);
});

it('hides corpora indexed from outside --allow and refuses their documents', async () => {
  const indexed = await runCli(['index', secret, '--name', 'secret', '--data-dir', dataDir]);
  expect(indexed.code).toBe(0);
  const { corpusId } = JSON.parse(indexed.stdout) as { corpusId: number };
  // The server's engine is a second connection to the same data folder: it sees the new row.
  const corpora = await call('corpora.list', {});
  expect(corpora.body.result.map((c: { name: string }) => c.name)).not.toContain('secret');
  const docs = await call('corpora.documents', { corpusId });
  expect(docs.status).toBe(403);
  const estimate = await call('train.estimate', { corpusId });
  expect(estimate.status).toBe(403);

  // A run trained (by the CLI) on that corpus, and its model: rows as training leaves them.
  const cli = await Engine.open({ dataDir, transport: 'direct' });
  let runId: number;
  let modelId: number;
  try {
    runId = (await cli.store.runs.create({ corpusId, preset: 'quick', settings: { bases: [{ kind: 'builtin', name: 'use-lite' }] } })).id;
    modelId = (
      await cli.store.models.create({
        name: `run ${runId} · cycle 1 · bi-encoder`,
        kind: 'bi',
        architecture: 'use-lite',
        relDir: `models/run-${runId}/bi`,
        runId,
        cycle: 1,
      })
    ).id;
    // The trusted CLI still sees them.
    expect((await cli.invoke('runs.list', {})).map((r) => r.id)).toContain(runId);
  } finally {
    await cli.close();
  }
  expect((await call('runs.list', {})).body.result.map((r: { id: number }) => r.id)).not.toContain(runId);
  expect((await call('runs.get', { runId })).status).toBe(403);
  expect((await call('train.resume', { runId })).status).toBe(403);
  expect((await call('models.list', {})).body.result.map((m: { id: number }) => m.id)).not.toContain(modelId);
  expect((await call('check.pair', { a: 'x', b: 'y', biModelId: modelId })).status).toBe(403);
  expect((await call('eval.run', { file: path.join(allowed, 'plan.txt'), modelId })).status).toBe(403);
});

it('moves with the CLI --move-to through the API, and the browser server cannot undo that batch or move into a folder outside --allow', async () => {
  const movedTo = path.join(base, 'moved');
  const cli = await runCli(['dedup', secret, '--no-semantic', '--move-to', movedTo, '--data-dir', dataDir]);
  expect(cli.code).toBe(0);
  expect(cli.stdout).toMatch(/moved 1 file\(s\)/);
  const batchId = /tenc undo (\S+)/.exec(cli.stdout)![1]!;
  expect(fs.readdirSync(secret)).toHaveLength(1);

  const undo = await call('dedup.undo', { batchId });
  expect(undo.status).toBe(403);
  expect(fs.readdirSync(secret)).toHaveLength(1);

  const report = await call('dedup.report', { scanId: insideScanId });
  const dup = report.body.result.clusters[0].members.find((m: { keep: boolean }) => !m.keep);
  const outsideDest = await call('dedup.quarantine', { scanId: insideScanId, documentIds: [dup.documentId], destDir: movedTo });
  expect(outsideDest.status).toBe(403);
  expect(fs.existsSync(dup.path)).toBe(true);
});
