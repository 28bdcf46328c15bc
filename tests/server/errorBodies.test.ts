/** Errors sent to clients carry no internal paths or stack details; ApiErrors keep their message. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Engine } from '../../src/engine/api/engine';
import { ApiError, toErrorBody } from '../../src/engine/api/errors';
import { startServer, type RunningServer } from '../../src/server/server';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-errors-')));
const staticDir = path.join(base, 'ui');
const repoRoot = path.resolve(import.meta.dirname, '../..');
let engine: Engine;
let server: RunningServer;

beforeAll(async () => {
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ui</title>');
  engine = await Engine.open({ dataDir: path.join(base, 'data'), transport: 'http', allowedRoots: [] });
  server = await startServer({ engine, staticDir });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

it('answers GET /%00 without the install path or a stack', async () => {
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const res = await fetch(`${server.url}/%00`);
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    for (const secret of [base, repoRoot, staticDir, 'node:', ' at ']) expect(text).not.toContain(secret);
  } finally {
    errors.mockRestore();
  }
});

it('turns an unexpected error into a generic message with an id that is logged with the details', () => {
  const logged: unknown[][] = [];
  const err = new Error(`ENOENT: no such file or directory, open '${repoRoot}/src/secret.ts'`);
  const body = toErrorBody(err, (...args) => logged.push(args));
  expect(body.code).toBe('internal');
  expect(body.message).not.toContain(repoRoot);
  expect(body.message).not.toContain('ENOENT');
  const id = /error id ([0-9a-f]+)/.exec(body.message)?.[1];
  expect(id).toBeTruthy();
  expect(logged).toHaveLength(1);
  expect(logged[0]!.join(' ')).toContain(id!);
  expect(logged[0]).toContain(err);
});

it('keeps the message of an error meant for the user', async () => {
  expect(toErrorBody(new ApiError('not_found', 'No corpus with id 7.'))).toEqual({ code: 'not_found', message: 'No corpus with id 7.' });
  const res = await fetch(`${server.url}/api/call/corpora.documents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ corpusId: 7 }),
  });
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ ok: false, error: { code: 'not_found', message: 'No corpus with id 7.' } });
});
