/**
 * Data-parallel ONNX embedding (issue 14): ParallelOnnxBiEncoder on an OnnxWorkerPool gives the
 * vectors of the single-session ONNX path and of TF.js on real STS sentences, in input order;
 * failures reach the caller; a cancelled call stops and leaves the pool usable.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import type { BiEncoder } from '../../../src/engine/models/encoder';
import { loadHfEncoder } from '../../../src/engine/models/hf';
import { saveModel } from '../../../src/engine/models/modelFiles';
import { OnnxBiEncoder, OnnxWorkerPool, ParallelOnnxBiEncoder, buildOnnxModel, packIds, parallelBiEncoderFor } from '../../../src/engine/models/onnx';
import { loadUseLiteBiEncoder } from '../../../src/engine/models/use-lite';
import { sharedDataSentences } from './use-lite-fixtures';

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    d += a[k]! * b[k]!;
    na += a[k]! * a[k]!;
    nb += b[k]! * b[k]!;
  }
  return d / Math.sqrt(na * nb);
}

function minCosine(a: Float32Array[], b: Float32Array[]): number {
  expect(b).toHaveLength(a.length);
  return Math.min(...a.map((v, i) => cosine(v, b[i]!)));
}

// Real STS / MRPC sentences, plus an empty and an over-long one (truncated).
// Real sentences from ../shared/data; without it (a checkout elsewhere), the lines of the shipped
// sample corpus, so the pool is still driven on text (the parity figure is then on fewer texts).
const fromSharedData = sharedDataSentences(150, 14);
const TEXTS = [...(fromSharedData.length > 0 ? fromSharedData : sampleCorpusLines()), '', 'a very long sentence that goes on '.repeat(40)];

function sampleCorpusLines(): string[] {
  const dir = path.resolve(import.meta.dirname, '../../../resources/sample-corpus');
  return fs
    .readdirSync(dir)
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.length > 20);
}

let model: BiEncoder;
let single: OnnxBiEncoder;
let parallel: ParallelOnnxBiEncoder;

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
  expect(TEXTS.length).toBeGreaterThanOrEqual(fromSharedData.length > 0 ? 100 : 20);
  model = loadUseLiteBiEncoder();
  single = await OnnxBiEncoder.fromModel(model, { intraOpNumThreads: 1 });
  parallel = await ParallelOnnxBiEncoder.fromModel(model, { workers: 2 });
}, 120_000);

afterAll(async () => {
  await parallel?.dispose();
  await single?.dispose();
  model?.dispose();
});

describe('ParallelOnnxBiEncoder', () => {
  it('gives the vectors of the single-session ONNX path and of TF.js, in input order', async () => {
    const opts = { batchSize: 8, maxLength: 64 };
    const ref = await model.embedDetailed(TEXTS, opts);
    const one = await single.embedDetailed(TEXTS, opts);
    const got = await parallel.embedDetailed(TEXTS, opts);
    expect(parallel.pool.size).toBe(2);
    expect(got.truncated).toEqual(ref.truncated);
    expect(got.truncated.at(-1)).toBe(true);
    expect(minCosine(one.vectors, got.vectors)).toBeGreaterThanOrEqual(0.9999);
    expect(minCosine(ref.vectors, got.vectors)).toBeGreaterThanOrEqual(0.9999);
    // Not a constant output: different sentences get different vectors.
    expect(cosine(got.vectors[0]!, got.vectors[1]!)).toBeLessThan(0.99);
  }, 120_000);

  it('keeps input order whatever the batching (reversed input gives reversed output)', async () => {
    const texts = TEXTS.slice(0, 40);
    const forward = await parallel.embed(texts, { batchSize: 3 });
    const backward = await parallel.embed([...texts].reverse(), { batchSize: 5 });
    backward.reverse();
    expect(minCosine(forward, backward)).toBeGreaterThanOrEqual(0.9999);
    expect(await parallel.embed([])).toEqual([]);
  }, 120_000);

  it('stops on cancellation with an AbortError and stays usable', async () => {
    const controller = new AbortController();
    const many = Array.from({ length: 6 }, () => TEXTS).flat();
    const call = parallel.embed(many, { batchSize: 4, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    const already = new AbortController();
    already.abort();
    await expect(parallel.embed(TEXTS, { signal: already.signal })).rejects.toMatchObject({ name: 'AbortError' });
    // Work after the cancelled call still lands on the right inputs.
    const after = await parallel.embed(TEXTS.slice(0, 20));
    expect(minCosine(await single.embed(TEXTS.slice(0, 20)), after)).toBeGreaterThanOrEqual(0.9999);
  }, 120_000);
});

describe('OnnxWorkerPool', () => {
  it('rejects a failing job alone, with the runtime message, and runs the next one', async () => {
    const packed = packIds([{ ids: [5, 6, 7] }], 0, false);
    const dims = [packed.batch, packed.seq];
    const feeds = () => ({ input_ids: { data: packed.ids.slice(), dims }, attention_mask: { data: packed.mask.slice(), dims } });
    await expect(parallel.pool.run(feeds(), 'no_such_output')).rejects.toThrow(/ONNX run failed: .*no_such_output/);
    await expect(parallel.pool.run({ input_ids: { data: packed.ids.slice(), dims } }, 'embeddings')).rejects.toThrow(/ONNX run failed: .*attention_mask/);
    const ok = await parallel.pool.run(feeds(), 'embeddings');
    expect(ok).toHaveLength(model.dim);
  }, 60_000);

  it('refuses bytes that are not a model, and bad sizes, with a clear message', async () => {
    await expect(OnnxWorkerPool.open(new Uint8Array([1, 2, 3, 4]), { workers: 1 })).rejects.toThrow(/could not open the model/);
    await expect(OnnxWorkerPool.open(new Uint8Array(4), { workers: 0 })).rejects.toThrow(/workers must be a positive integer/);
  }, 60_000);

  it('fails later jobs when a worker has died, and after dispose', async () => {
    const pool = await OnnxWorkerPool.open(buildOnnxModel(model).bytes, { workers: 1 });
    const packed = packIds([{ ids: [5, 6, 7] }], 0, false);
    const dims = [packed.batch, packed.seq];
    const feeds = () => ({ input_ids: { data: packed.ids.slice(), dims }, attention_mask: { data: packed.mask.slice(), dims } });
    expect(await pool.run(feeds(), 'embeddings')).toHaveLength(model.dim);
    // The worker thread goes away under the pool while idle (terminating it inside a native
    // run would abort the process, which is why dispose() asks workers to leave instead).
    await (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0]!.worker.terminate();
    await new Promise((r) => setTimeout(r, 50));
    await expect(pool.run(feeds(), 'embeddings')).rejects.toThrow(/ONNX worker stopped/);
    await pool.dispose();
    await expect(pool.run(feeds(), 'embeddings')).rejects.toThrow(/closed/);
  }, 60_000);

  it('dispose while jobs run lets the runs finish, rejects the queued ones and does not crash', async () => {
    const pool = await OnnxWorkerPool.open(buildOnnxModel(model).bytes, { workers: 2 });
    const packed = packIds(
      Array.from({ length: 32 }, () => ({ ids: Array.from({ length: 40 }, (_, j) => 5 + j) })),
      0,
      false,
    );
    const dims = [packed.batch, packed.seq];
    const jobs = Array.from({ length: 6 }, () =>
      pool.run({ input_ids: { data: packed.ids.slice(), dims }, attention_mask: { data: packed.mask.slice(), dims } }, 'embeddings'),
    );
    const outcome = Promise.allSettled(jobs);
    await pool.dispose();
    const settled = await outcome;
    expect(settled.filter((s) => s.status === 'rejected').length).toBeGreaterThanOrEqual(4);
    for (const s of settled) if (s.status === 'rejected') expect(String(s.reason)).toMatch(/closed/);
  }, 60_000);
});

describe('OnnxWorkerPool.dispose at the end of a program', () => {
  it('keeps the process until every worker has left (no exit 13, no abort mid-release)', async () => {
    // A program whose last step is `await pool.dispose()`: idle workers are unref'd, so
    // dispose must hold the process itself. A tiny graph keeps this fast.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-pool-exit-'));
    try {
      const script = `
        import { OnnxWorkerPool } from ${JSON.stringify(path.resolve('src/engine/models/onnx/onnxWorkerPool.ts'))};
        import { GraphBuilder, DataType, attr } from ${JSON.stringify(path.resolve('src/engine/models/onnx/graph.ts'))};
        const g = new GraphBuilder('cast');
        const ids = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
        g.output(g.op('Cast', [ids], { to: attr.int(DataType.FLOAT) }), 'embeddings', DataType.FLOAT, ['batch', 'sequence']);
        const pool = await OnnxWorkerPool.open(g.toModelProto(), { workers: 2 });
        const out = await pool.run({ input_ids: { data: new BigInt64Array([3n, 4n]), dims: [1, 2] } }, 'embeddings');
        console.log('RAN ' + Array.from(out).join(','));
        await pool.dispose();
        console.log('DISPOSED');
      `;
      const file = path.join(dir, 'pool.mts');
      fs.writeFileSync(file, script);
      const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
      expect(out).toContain('RAN 3,4');
      expect(out).toContain('DISPOSED');
      expect(code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('parallelBiEncoderFor (saved model folders)', () => {
  it('opens a saved Hugging Face bi-encoder on the pool with its tokenizer and gives the TF.js vectors', async () => {
    const base = path.resolve(__dirname, '../../fixtures/hf/bert-vocab');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-pool-'));
    const hf = await loadHfEncoder(base);
    try {
      await saveModel(dir, hf, { base: { kind: 'hf', dir: base } });
      const onFolder = await parallelBiEncoderFor(dir, { workers: 2 });
      try {
        const texts = TEXTS.slice(0, 30);
        expect(minCosine(await hf.embed(texts), await onFolder.embed(texts))).toBeGreaterThanOrEqual(0.9999);
      } finally {
        await onFolder.dispose();
      }
    } finally {
      hf.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
