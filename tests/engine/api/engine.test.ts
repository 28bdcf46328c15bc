import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { ApiError } from '../../../src/engine/api/errors';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-engine-')));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return err instanceof ApiError ? err.code : `not an ApiError: ${String(err)}`;
  }
  return undefined;
}

describe('Engine', () => {
  it('validates every call against the contract and changes nothing on bad input', async () => {
    const engine = await Engine.open({ dataDir: tmp(), transport: 'direct' });
    try {
      expect(await codeOf(engine.call('no.such', {}))).toBe('unknown_method');
      expect(await codeOf(engine.call('app.echo', { text: 5 }))).toBe('bad_request');
      expect(await codeOf(engine.call('app.echo', { text: 'x', extra: 1 }))).toBe('bad_request');
      expect(await codeOf(engine.call('corpora.create', { name: '', path: '/tmp' }))).toBe('bad_request');
      expect(await codeOf(engine.call('corpora.create', { name: 'a', path: 'relative/dir' }))).toBe('forbidden_path');
      expect(await codeOf(engine.call('corpora.documents', { corpusId: 99 }))).toBe('not_found');
      expect(await codeOf(engine.call('jobs.cancel', { jobId: 'nope' }))).toBe('not_found');
      expect(await engine.invoke('corpora.list', {})).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('indexes a chosen folder as a corpus through the API and refuses a second corpus of the same name', async () => {
    const docs = tmp();
    fs.writeFileSync(path.join(docs, 'one.txt'), 'First paragraph.\n\nSecond paragraph here.');
    fs.writeFileSync(path.join(docs, 'latin1.txt'), Buffer.from('Caf\xe9 cr\xe8me br\xfbl\xe9e, d\xe9j\xe0 vu, na\xefve fa\xe7ade et \xe9l\xe8ve.', 'latin1'));
    fs.writeFileSync(path.join(docs, 'blob.dat'), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)));
    const engine = await Engine.open({ dataDir: tmp(), transport: 'direct', allowedRoots: [docs] });
    try {
      const { jobId } = await engine.invoke('corpora.create', { name: 'docs', path: docs });
      const job = await engine.jobs.wait(jobId);
      expect(job).toMatchObject({ status: 'done', result: { documents: 2, skipped: 1, passages: 3 } });
      const [corpus] = await engine.invoke('corpora.list', {});
      const rows = await engine.invoke('corpora.documents', { corpusId: corpus!.id });
      expect(rows.map((r) => [r.relPath, r.status])).toEqual([
        ['blob.dat', 'skipped'],
        ['latin1.txt', 'ok'],
        ['one.txt', 'ok'],
      ]);
      const passages = await engine.store.passages.listByCorpus(corpus!.id);
      expect(passages.map((p) => p.text)).toContain('Café crème brûlée, déjà vu, naïve façade et élève.');
      expect(await codeOf(engine.call('corpora.create', { name: 'docs', path: docs }))).toBe('conflict');
    } finally {
      await engine.close();
    }
  });

  it('marks jobs that were running when the process stopped as failed on the next start', async () => {
    const dataDir = tmp();
    const first = await Engine.open({ dataDir, transport: 'direct' });
    await first.store.jobs.create({ id: 'job-1', kind: 'train', status: 'running' });
    await first.db.close();
    const second = await Engine.open({ dataDir, transport: 'direct' });
    try {
      expect(await second.store.jobs.get('job-1')).toMatchObject({ status: 'failed' });
    } finally {
      await second.close();
    }
  });
});
