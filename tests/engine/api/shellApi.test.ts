import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { ApiError } from '../../../src/engine/api/errors';
import { en } from '../../../src/renderer/src/i18n/en';
import { zh } from '../../../src/renderer/src/i18n/zh';
import { ClientError } from '../../../src/renderer/src/lib/client';
import { humanError } from '../../../src/renderer/src/lib/humanError';
import { cpuThreads, machineCores } from '../../../src/engine/settings/cpuThreads';
import { defaultWorkerCount } from '../../../src/engine/models/onnx/onnxWorkerPool';

const dirs: string[] = [];
const engines: Engine[] = [];
function tmp(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-shell-')));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function open(opts: { dataDir?: string; allowedRoots?: string[]; transport?: 'http' | 'direct' } = {}): Promise<Engine> {
  const engine = await Engine.open({ dataDir: opts.dataDir ?? tmp(), transport: opts.transport ?? 'http', allowedRoots: opts.allowedRoots });
  engines.push(engine);
  return engine;
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string } | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, message: err.message };
    return { code: `not an ApiError: ${String(err)}`, message: '' };
  }
  return undefined;
}

/** A tree: allowed/{alpha,beta/inner,.hidden,link-in -> alpha,link-out -> outside}, a file, and outside/secret. */
function tree() {
  const base = tmp();
  const allowed = path.join(base, 'allowed');
  const outside = path.join(base, 'outside');
  for (const d of ['alpha', 'beta/inner', '.hidden']) fs.mkdirSync(path.join(allowed, d), { recursive: true });
  fs.mkdirSync(path.join(outside, 'secret'), { recursive: true });
  fs.writeFileSync(path.join(allowed, 'notes.txt'), 'a file, not a folder');
  fs.symlinkSync(path.join(allowed, 'alpha'), path.join(allowed, 'link-in'));
  fs.symlinkSync(outside, path.join(allowed, 'link-out'));
  return { base, allowed, outside };
}

describe('folders.browse: a folder browser limited to the allowed folders', () => {
  it('lists the allowed folders, then the sub-folders of one (hidden ones and links out left out)', async () => {
    const { allowed } = tree();
    const engine = await open({ allowedRoots: [allowed] });
    const top = await engine.invoke('folders.browse', {});
    expect(top).toMatchObject({ roots: [allowed], path: null, parent: null, folders: [{ name: allowed, path: allowed }] });

    const listing = await engine.invoke('folders.browse', { path: allowed });
    expect(listing.path).toBe(allowed);
    expect(listing.root).toBe(allowed);
    expect(listing.parent).toBeNull();
    expect(listing.files).toBe(1);
    expect(listing.folders).toEqual([
      { name: 'alpha', path: path.join(allowed, 'alpha') },
      { name: 'beta', path: path.join(allowed, 'beta') },
      // A link to a folder inside is listed under its real path; the link out is not listed.
      { name: 'link-in', path: path.join(allowed, 'alpha') },
    ]);

    const inner = await engine.invoke('folders.browse', { path: path.join(allowed, 'beta') });
    expect(inner.folders.map((f) => f.name)).toEqual(['inner']);
    expect(inner.parent).toBe(allowed);
  });

  it('refuses paths outside the allowed folders, `..` out of them, links out, relative paths and bad input', async () => {
    const { allowed, outside } = tree();
    const engine = await open({ allowedRoots: [allowed] });
    expect(await refusal(engine.call('folders.browse', { path: outside }))).toMatchObject({ code: 'forbidden_path' });
    expect(await refusal(engine.call('folders.browse', { path: `${allowed}/../outside/secret` }))).toMatchObject({ code: 'forbidden_path' });
    expect(await refusal(engine.call('folders.browse', { path: path.join(allowed, 'link-out') }))).toMatchObject({ code: 'forbidden_path' });
    expect(await refusal(engine.call('folders.browse', { path: path.join(allowed, 'link-out', 'secret') }))).toMatchObject({ code: 'forbidden_path' });
    expect(await refusal(engine.call('folders.browse', { path: path.dirname(allowed) }))).toMatchObject({ code: 'forbidden_path' });
    expect(await refusal(engine.call('folders.browse', { path: 'allowed/alpha' }))).toMatchObject({ code: 'forbidden_path' });
    expect(await refusal(engine.call('folders.browse', { path: path.join(allowed, 'missing') }))).toMatchObject({ code: 'not_found' });
    expect(await refusal(engine.call('folders.browse', { path: path.join(allowed, 'notes.txt') }))).toMatchObject({ code: 'bad_request' });
    // The contract: a string path, no other fields, no NUL byte.
    expect(await refusal(engine.call('folders.browse', { path: 5 }))).toMatchObject({ code: 'bad_request' });
    expect(await refusal(engine.call('folders.browse', { path: allowed, extra: true }))).toMatchObject({ code: 'bad_request' });
    expect(await refusal(engine.call('folders.browse', { path: `${allowed}\0/alpha` }))).toMatchObject({ code: 'bad_request' });
  });

  it('with no allowed folder lists nothing and refuses every path', async () => {
    const { allowed } = tree();
    const engine = await open();
    expect(await engine.invoke('folders.browse', {})).toMatchObject({ roots: [], folders: [] });
    expect(await refusal(engine.call('folders.browse', { path: allowed }))).toMatchObject({ code: 'forbidden_path' });
  });
});

describe('settings: a JSON file in the data folder, written atomically', () => {
  it('starts from the defaults, keeps changes across restarts, and refuses bad values without changing the file', async () => {
    const dataDir = tmp();
    let engine = await open({ dataDir });
    const first = await engine.invoke('settings.get', {});
    expect(first.settings).toEqual({
      theme: 'system',
      language: 'system',
      cpuThreads: null,
      thresholds: { paraphraseBi: null, paraphraseCross: null, dedupNear: null, dedupSemantic: null },
      tourDone: false,
    });
    expect(first.file).toBe(path.join(dataDir, 'settings.json'));
    expect(first.cores).toBe(machineCores());
    expect(fs.existsSync(first.file)).toBe(false);

    const saved = await engine.invoke('settings.set', { theme: 'dark', language: 'zh', thresholds: { dedupNear: 0.7 } });
    expect(saved.settings).toMatchObject({ theme: 'dark', language: 'zh', thresholds: { dedupNear: 0.7, dedupSemantic: null } });
    const onDisk = fs.readFileSync(first.file, 'utf8');
    expect(JSON.parse(onDisk)).toEqual(saved.settings);
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('.tmp'))).toEqual([]);

    for (const bad of [
      { theme: 'blue' },
      { cpuThreads: 0 },
      { cpuThreads: 1.5 },
      { thresholds: { paraphraseBi: 2 } },
      { thresholds: { other: 0.5 } },
      { colour: 'red' },
    ]) {
      expect(await refusal(engine.call('settings.set', bad))).toMatchObject({ code: 'bad_request' });
    }
    expect(fs.readFileSync(first.file, 'utf8')).toBe(onDisk);

    await engine.close();
    engines.splice(engines.indexOf(engine), 1);
    engine = await open({ dataDir });
    expect((await engine.invoke('settings.get', {})).settings).toMatchObject({ theme: 'dark', language: 'zh', thresholds: { dedupNear: 0.7 } });
    // Changing one field keeps the others.
    const more = await engine.invoke('settings.set', { thresholds: { paraphraseBi: 0.9 } });
    expect(more.settings.thresholds).toEqual({ paraphraseBi: 0.9, paraphraseCross: null, dedupNear: 0.7, dedupSemantic: null });
    expect(engine.settings.dedupThresholds()).toEqual({ near: 0.7 });
  });

  it('a damaged file is reported, its usable fields kept, and replaced on the next save', async () => {
    const dataDir = tmp();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '{"theme": "dark", "cpuThr');
    let engine = await open({ dataDir });
    const view = await engine.invoke('settings.get', {});
    expect(view.problem).toMatch(/could not be read/);
    expect(view.settings.theme).toBe('system');
    await engine.invoke('settings.set', { theme: 'light' });
    expect((await engine.invoke('settings.get', {})).problem).toBeNull();
    await engine.close();
    engines.pop();

    // Fields of the wrong type are dropped one by one; the rest is kept.
    fs.writeFileSync(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({ theme: 'dark', cpuThreads: 'many', thresholds: { dedupNear: 0.75, paraphraseBi: 7 } }),
    );
    engine = await open({ dataDir });
    const mixed = await engine.invoke('settings.get', {});
    expect(mixed.problem).toBeNull();
    expect(mixed.settings).toMatchObject({ theme: 'dark', cpuThreads: null, thresholds: { dedupNear: 0.75, paraphraseBi: null } });
  });

  it('the CPU thread setting limits the model workers and the search threads', async () => {
    const engine = await open();
    await engine.invoke('settings.set', { cpuThreads: 1 });
    expect(cpuThreads()).toBe(1);
    expect(defaultWorkerCount(1000)).toBe(1);
    await engine.invoke('settings.set', { cpuThreads: null });
    expect(cpuThreads()).toBe(machineCores());
  });
});

describe('corpora: details, passages, rename, rescan and delete (the store only, never the files)', () => {
  it('manages a corpus through the API and leaves the folder as it was', async () => {
    const docs = tmp();
    fs.writeFileSync(path.join(docs, 'one.txt'), 'First paragraph of the first file.\n\nSecond paragraph here.');
    fs.writeFileSync(path.join(docs, 'two.md'), '# Title\n\nA second document with words.');
    fs.writeFileSync(path.join(docs, 'blob.dat'), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)));
    fs.writeFileSync(path.join(docs, 'empty.txt'), '   \n');
    const before = snapshot(docs);
    const engine = await open({ allowedRoots: [docs] });
    const { jobId } = await engine.invoke('corpora.create', { name: 'docs', path: docs });
    expect(await engine.jobs.wait(jobId)).toMatchObject({ status: 'done' });
    const [corpus] = await engine.invoke('corpora.list', {});

    const details = await engine.invoke('corpora.details', { corpusId: corpus!.id });
    expect(details).toMatchObject({ name: 'docs', rootPath: docs, documents: 2, skipped: 2, passages: 4, scans: 0, runs: 0, folderExists: true });
    expect(details.skipReasons.map((r) => [r.count, r.examples])).toEqual([
      [1, ['blob.dat']],
      [1, ['empty.txt']],
    ]);
    expect(details.skipReasons.map((r) => r.reason).join(' | ')).toMatch(/binary/);
    // The same reasons as codes an app words in its own language (issue 13); the English stays for the CLI.
    expect(details.skipReasons.map((r) => [r.examples[0], r.code, r.params])).toEqual([
      ['blob.dat', 'binary', undefined],
      ['empty.txt', 'noText', undefined],
    ]);

    const rows = await engine.invoke('corpora.documents', { corpusId: corpus!.id });
    const one = rows.find((r) => r.relPath === 'one.txt')!;
    expect(one.skipCode).toBeNull();
    expect(rows.find((r) => r.relPath === 'blob.dat')!.skipCode).toEqual({ code: 'binary' });
    const passages = await engine.invoke('corpora.passages', { corpusId: corpus!.id, documentId: one.id });
    expect(passages.map((p) => p.text)).toEqual(['First paragraph of the first file.', 'Second paragraph here.']);
    expect(await refusal(engine.call('corpora.passages', { corpusId: corpus!.id, documentId: 9999 }))).toMatchObject({ code: 'not_found' });

    // Rename; a taken name is refused.
    const other = await engine.invoke('corpora.create', { name: 'other', path: docs });
    await engine.jobs.wait(other.jobId);
    expect(await engine.invoke('corpora.rename', { corpusId: corpus!.id, name: 'My notes' })).toEqual({ id: corpus!.id, name: 'My notes' });
    expect(await refusal(engine.call('corpora.rename', { corpusId: corpus!.id, name: 'other' }))).toMatchObject({ code: 'conflict' });
    expect(await refusal(engine.call('corpora.rename', { corpusId: corpus!.id, name: '   ' }))).toMatchObject({ code: 'bad_request' });
    expect((await engine.invoke('corpora.list', {})).map((c) => c.name)).toEqual(['My notes', 'other']);

    // Rescan: a new file, a changed file, a removed file.
    fs.writeFileSync(path.join(docs, 'three.txt'), 'A third file appears.');
    fs.writeFileSync(path.join(docs, 'two.md'), '# Title\n\nThe second document, rewritten.\n\nWith one more paragraph.');
    fs.utimesSync(path.join(docs, 'two.md'), new Date(), new Date(Date.now() + 5000));
    fs.rmSync(path.join(docs, 'empty.txt'));
    const rescan = await engine.invoke('corpora.rescan', { corpusId: corpus!.id });
    const done = await engine.jobs.wait(rescan.jobId);
    expect(done).toMatchObject({
      status: 'done',
      kind: 'corpus.index',
      result: { corpusId: corpus!.id, documents: 3, skipped: 1, read: 2, unchanged: 2, removed: 1 },
    });
    const after = await engine.invoke('corpora.details', { corpusId: corpus!.id });
    // one.txt 2 passages, two.md now 3, three.txt 1.
    expect(after).toMatchObject({ documents: 3, skipped: 1, passages: 6 });
    const two = (await engine.invoke('corpora.documents', { corpusId: corpus!.id })).find((r) => r.relPath === 'two.md')!;
    expect((await engine.invoke('corpora.passages', { corpusId: corpus!.id, documentId: two.id })).map((p) => p.text)).toEqual([
      'Title',
      'The second document, rewritten.',
      'With one more paragraph.',
    ]);

    // Delete: gone from the app, the folder untouched (but for the test's own edits).
    const changed = snapshot(docs);
    expect(await engine.invoke('corpora.delete', { corpusId: corpus!.id })).toEqual({ removed: true, documents: 4 });
    expect((await engine.invoke('corpora.list', {})).map((c) => c.name)).toEqual(['other']);
    expect(await refusal(engine.call('corpora.details', { corpusId: corpus!.id }))).toMatchObject({ code: 'not_found' });
    expect(await refusal(engine.call('corpora.delete', { corpusId: corpus!.id }))).toMatchObject({ code: 'not_found' });
    expect(snapshot(docs)).toEqual(changed);
    expect(Object.keys(before).sort()).toEqual(['blob.dat', 'empty.txt', 'one.txt', 'two.md']);
  });

  it('a rescan of a folder that is gone says so; corpora outside the allowed folders are refused', async () => {
    const docs = tmp();
    const sub = path.join(docs, 'sub');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'a.txt'), 'Some words in a file.');
    const dataDir = tmp();
    let engine = await open({ dataDir, allowedRoots: [docs] });
    const { jobId } = await engine.invoke('corpora.create', { name: 'sub', path: sub });
    await engine.jobs.wait(jobId);
    const [corpus] = await engine.invoke('corpora.list', {});
    fs.rmSync(sub, { recursive: true });
    const gone = await refusal(engine.call('corpora.rescan', { corpusId: corpus!.id }));
    expect(gone).toMatchObject({ code: 'not_found' });
    expect(gone!.message).toMatch(/is gone.*until you delete/);
    expect(await engine.invoke('corpora.details', { corpusId: corpus!.id })).toMatchObject({ folderExists: false, documents: 1 });
    await engine.close();
    engines.pop();

    // Another engine that was not given the folder cannot see or act on the corpus.
    engine = await open({ dataDir });
    for (const call of [
      engine.call('corpora.details', { corpusId: corpus!.id }),
      engine.call('corpora.rename', { corpusId: corpus!.id, name: 'x' }),
      engine.call('corpora.delete', { corpusId: corpus!.id }),
    ]) {
      expect(await refusal(call)).toMatchObject({ code: 'forbidden_path' });
    }
  });
});

/** Every file under `dir` with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir)) out[name] = fs.readFileSync(path.join(dir, name)).toString('base64');
  return out;
}

describe('app.sampleCorpus: the guided tour’s documents', () => {
  it('copies the shipped sample into the data folder, allows it, and can be called again', async () => {
    const dataDir = tmp();
    const engine = await open({ dataDir });
    const { path: dir } = await engine.invoke('app.sampleCorpus', {});
    expect(dir).toBe(path.join(dataDir, 'sample-corpus'));
    expect(fs.readdirSync(dir).sort()).toEqual(fs.readdirSync(path.resolve(import.meta.dirname, '../../../resources/sample-corpus')).sort());
    expect((await engine.invoke('app.info', {})).allowedRoots).toEqual([dir]);
    expect((await engine.invoke('folders.browse', { path: dir })).files).toBeGreaterThanOrEqual(7);
    // A second call keeps what is there (a file the person removed from the copy comes back; nothing else changes).
    fs.rmSync(path.join(dir, 'garden.txt'));
    expect((await engine.invoke('app.sampleCorpus', {})).path).toBe(dir);
    expect(fs.existsSync(path.join(dir, 'garden.txt'))).toBe(true);
    // The data folder itself stays out of reach.
    expect(await refusal(engine.call('folders.browse', { path: dataDir }))).toMatchObject({ code: 'forbidden_path' });
  });
});

describe('default thresholds from the settings', () => {
  it('a check or a scan that names no threshold uses the person’s default; one that names it keeps its own', async () => {
    const docs = tmp();
    fs.writeFileSync(path.join(docs, 'a.txt'), 'The meeting is moved to Tuesday morning at nine.');
    fs.writeFileSync(path.join(docs, 'b.txt'), 'The meeting is moved to Tuesday morning at nine!');
    const engine = await open({ allowedRoots: [docs] });
    await engine.invoke('settings.set', { thresholds: { paraphraseBi: 0.97, dedupNear: 0.6 } });

    const a = 'A man is playing a guitar.';
    const b = 'A man plays the guitar.';
    expect((await engine.invoke('check.pair', { a, b })).threshold).toBe(0.97);
    expect((await engine.invoke('check.pair', { a, b, threshold: 0.5 })).threshold).toBe(0.5);

    const { jobId } = await engine.invoke('dedup.scan', { roots: [docs], semantic: false });
    const job = await engine.jobs.wait(jobId);
    expect(job?.status).toBe('done');
    const scanId = (job!.result as { scanId: number }).scanId;
    expect((await engine.invoke('dedup.report', { scanId })).scan.settings?.thresholds.near).toBe(0.6);
    const other = await engine.invoke('dedup.scan', { roots: [docs], semantic: false, thresholds: { near: 0.9 } });
    const otherJob = await engine.jobs.wait(other.jobId);
    expect((await engine.invoke('dedup.report', { scanId: (otherJob!.result as { scanId: number }).scanId })).scan.settings?.thresholds.near).toBe(0.9);
  });
});

describe('a pairs file with no readable line, said in the app’s language (issue 13)', () => {
  it('names its first bad line as values, which the Chinese app words without English', async () => {
    const docs = tmp();
    const file = path.join(docs, 'bad-pairs.tsv');
    fs.writeFileSync(file, 'only one column here\nand another\n');
    const engine = await open({ allowedRoots: [docs] });
    let body: ReturnType<ApiError['toBody']> | undefined;
    try {
      await engine.invoke('train.estimate', { preset: 'quick', pairsFile: file });
    } catch (err) {
      if (err instanceof ApiError) body = err.toBody();
    }
    expect(body).toMatchObject({ code: 'bad_request', reason: 'pairs-unreadable', params: { file, line: 1, lines: 1 } });
    expect(body!.message).toMatch(/^Cannot read pairs from .*no pair can be read/);
    const said = humanError(new ClientError(body!.code, body!.message, body!.reason, body!.params), zh);
    expect(said).toMatch(/^.*bad-pairs\.tsv 中没有一行句对可以读取。第 1 行：无法识别句对格式/);
    expect(said.replace(file, '').replace(/sentence[12]/g, '')).not.toMatch(/[A-Za-z]{4}/);
    expect(humanError(new ClientError(body!.code, body!.message, body!.reason, body!.params), en)).toMatch(/^No pair can be read from .*\. Line 1: /);
  });
});
