/**
 * The ONNX writer and the model-folder cache: protobuf wire format, hand-built graphs run by
 * onnxruntime-node, the exported graphs' interface (names, dynamic axes, padding), and
 * `<modelDir>/model.onnx` exported once, reused, and re-exported when the weights change.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import type { BiEncoder, CrossEncoder } from '../../../src/engine/models/encoder';
import { loadHfCrossEncoder, loadHfEncoder } from '../../../src/engine/models/hf';
import { loadModel, saveModel } from '../../../src/engine/models/modelFiles';
import {
  DataType,
  GraphBuilder,
  ONNX_EXPORT_VERSION,
  ONNX_FILE,
  ONNX_META_FILE,
  OnnxBiEncoder,
  OnnxCrossEncoder,
  OnnxExportError,
  attr,
  buildOnnxModel,
  checkOnnxMatchesModel,
  createOnnxSession,
  ensureOnnxExport,
  onnxExportStaleness,
  onnxSessionFor,
} from '../../../src/engine/models/onnx';
import { ProtoWriter } from '../../../src/engine/models/onnx/protobuf';
import { loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';

const FIX = path.resolve(__dirname, '../../fixtures/hf');
const tmpDirs: string[] = [];

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-onnx-'));
  tmpDirs.push(d);
  return d;
}

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
});

afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('ProtoWriter (protobuf wire format)', () => {
  it('writes the encodings of the protobuf documentation', () => {
    // "field 1 = 150" is the documentation's example: 08 96 01
    expect([...new ProtoWriter().int(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    // field 2, string "testing": 12 07 74 65 73 74 69 6e 67
    expect([...new ProtoWriter().string(2, 'testing').finish()]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    // int64 -1 is ten bytes of two's complement
    expect([...new ProtoWriter().int(1, -1).finish()]).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    // 2^40 needs six varint bytes; float 1.0 is fixed32 00 00 80 3f
    expect([...new ProtoWriter().int(1, 2 ** 40).finish()]).toEqual([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    expect([...new ProtoWriter().float(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    // nested message: field 3 { field 1 = 150 } -> 1a 03 08 96 01
    expect([...new ProtoWriter().message(3, (w) => w.int(1, 150)).finish()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(() => new ProtoWriter().int(1, 1.5)).toThrow(TypeError);
  });
});

describe('GraphBuilder', () => {
  it('builds a graph with dynamic axes, int/float/ints attributes and initializers that ORT runs', async () => {
    const g = new GraphBuilder('t');
    const x = g.input('x', DataType.FLOAT, ['batch', 'n']);
    const idx = g.input('idx', DataType.INT64, ['k']);
    const ln = g.op('LayerNormalization', [x, g.constF([1, 1, 1]), g.constF([0.5, 0, 0])], { axis: attr.int(-1), epsilon: attr.float(1e-5) });
    const picked = g.op('Gather', [ln, idx], { axis: attr.int(1) });
    const t = g.op('Transpose', [picked], { perm: attr.ints([1, 0]) });
    const total = g.op('ReduceSum', [x, g.constI([-1])], { keepdims: attr.int(0) });
    g.output(t, 'picked_t', DataType.FLOAT, ['k', 'batch']);
    g.output(total, 'total', DataType.FLOAT, ['batch']);
    const session = await createOnnxSession(g.toModelProto());
    const rows = [
      [1, 2, 3],
      [-4, 0, 10],
    ];
    const out = await session.run({
      x: new ort.Tensor('float32', Float32Array.from(rows.flat()), [2, 3]),
      idx: new ort.Tensor('int64', BigInt64Array.from([2n, 0n]), [2]),
    });
    expect(Array.from(out.total!.data as Float32Array)).toEqual([6, 6]);
    const norm = rows.map((r) => {
      const m = r.reduce((a, b) => a + b) / 3;
      const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / 3;
      return r.map((e, j) => (e - m) / Math.sqrt(v + 1e-5) + (j === 0 ? 0.5 : 0));
    });
    expect(out.picked_t!.dims).toEqual([2, 2]);
    const expected = [norm[0]![2]!, norm[1]![2]!, norm[0]![0]!, norm[1]![0]!];
    (out.picked_t!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    await session.release();
  });

  it('rejects a value defined twice', () => {
    const g = new GraphBuilder('t');
    g.input('x', DataType.FLOAT, [1]);
    expect(() => g.input('x', DataType.FLOAT, [1])).toThrow(/twice/);
  });
});

describe('exported graphs', () => {
  it('have the documented inputs and outputs and dynamic batch / sequence axes', async () => {
    const bi = await loadHfEncoder(path.join(FIX, 'roberta-tokjson'));
    const cross = await loadHfCrossEncoder(path.join(FIX, 'bert-vocab'));
    try {
      const b = buildOnnxModel(bi);
      expect(b.info).toMatchObject({ kind: 'bi', family: 'roberta', output: 'embeddings', dim: bi.dim, opset: 17 });
      const c = buildOnnxModel(cross);
      expect(c.info).toMatchObject({ kind: 'cross', family: 'bert', output: 'logits', inputs: ['input_ids', 'attention_mask', 'token_type_ids'] });
      const sb = await createOnnxSession(b.bytes);
      expect([...sb.inputNames].sort()).toEqual(['attention_mask', 'input_ids']);
      expect(sb.outputNames).toEqual(['embeddings']);
      const sc = await createOnnxSession(c.bytes);
      expect([...sc.inputNames].sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
      expect(sc.outputNames).toEqual(['logits']);

      // The same sentence alone and padded next to a longer one: padding must not change it.
      const short = bi.tokenizer.encode('a man is playing a guitar', { maxLength: 64 }).ids;
      const long = bi.tokenizer.encode('the quick brown fox jumps over the lazy dog again and again', { maxLength: 64 }).ids;
      const run = async (rows: number[][]) => {
        const L = Math.max(...rows.map((r) => r.length));
        const ids = new BigInt64Array(rows.length * L).fill(BigInt(bi.tokenizer.ids.pad));
        const mask = new BigInt64Array(rows.length * L);
        rows.forEach((r, i) => r.forEach((id, j) => ((ids[i * L + j] = BigInt(id)), (mask[i * L + j] = 1n))));
        const out = await sb.run({
          input_ids: new ort.Tensor('int64', ids, [rows.length, L]),
          attention_mask: new ort.Tensor('int64', mask, [rows.length, L]),
        });
        expect(out.embeddings!.dims).toEqual([rows.length, bi.dim]);
        return out.embeddings!.data as Float32Array;
      };
      const alone = await run([short]);
      const padded = await run([long, short, long]);
      for (let k = 0; k < bi.dim; k++) expect(padded[bi.dim + k]).toBeCloseTo(alone[k]!, 5);
      await sb.release();
      await sc.release();
    } finally {
      bi.dispose();
      cross.dispose();
    }
  });

  it('the export-time probe check fails when the graph and the TF.js model disagree', async () => {
    const bi = await loadHfEncoder(path.join(FIX, 'bert-tokjson'));
    const cross = await loadHfCrossEncoder(path.join(FIX, 'bert-tokjson'));
    const onnxBi = await OnnxBiEncoder.fromModel(bi);
    const onnxCross = await OnnxCrossEncoder.fromModel(cross);
    try {
      await expect(checkOnnxMatchesModel(bi, onnxBi)).resolves.toBeUndefined();
      // The TF.js models move on (as a changed forward pass would); the ONNX graphs do not.
      const change = (m: BiEncoder | CrossEncoder, name: string, factor: number) => {
        const w = m.getWeights();
        const next = new Map([[name, tf.mul(w.get(name)!, factor)]]);
        m.setWeights(next);
        tf.dispose([...w.values(), ...next.values()]);
      };
      change(bi, 'encoder.layer.1.output.dense.weight', -3);
      change(cross, 'classifier.weight', 200);
      await expect(checkOnnxMatchesModel(bi, onnxBi)).rejects.toThrow(OnnxExportError);
      await expect(checkOnnxMatchesModel(cross, onnxCross)).rejects.toThrow(/disagrees with the TF.js model/);
      await expect(checkOnnxMatchesModel(cross, onnxBi)).rejects.toThrow(OnnxExportError);
    } finally {
      await onnxBi.dispose();
      await onnxCross.dispose();
      bi.dispose();
      cross.dispose();
    }
  });

  it('refuses a model it does not know', () => {
    const fake = { kind: 'bi-encoder', dim: 3, maxLength: 8, getWeights: () => new Map() } as unknown as BiEncoder;
    expect(() => buildOnnxModel(fake)).toThrow(OnnxExportError);
  });

  it('onnxruntime-node loads and runs in a plain Node process', () => {
    const g = new GraphBuilder('plain');
    g.output(g.op('Mul', [g.input('x', DataType.FLOAT, ['n']), g.scalarF(3)]), 'y', DataType.FLOAT, ['n']);
    const file = path.join(tmpDir(), 'mul.onnx');
    fs.writeFileSync(file, g.toModelProto());
    const script = `
      const ort = require('onnxruntime-node');
      ort.InferenceSession.create(process.argv[1]).then((s) => s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]) }))
        .then((o) => console.log(JSON.stringify(Array.from(o.y.data))));`;
    const r = spawnSync(process.execPath, ['-e', script, file], { cwd: path.resolve(__dirname, '../../..'), encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim())).toEqual([3, 6]);
  });
});

async function pairsScores(model: CrossEncoder | OnnxCrossEncoder, pairs: Array<readonly [string, string]>): Promise<number[]> {
  return Array.from(await model.score(pairs));
}

describe('onnxSessionFor (model folders)', () => {
  const pairs = [
    ['a man is playing a guitar', 'a man plays the guitar'],
    ['the cat sat on the mat', 'stock markets fell sharply'],
    ['', '東京 😀'],
  ] as Array<readonly [string, string]>;

  it('exports a USE lite cross-encoder folder once, reuses it, and re-exports when the weights change', async () => {
    const dir = tmpDir();
    const model = loadUseLiteCrossEncoder();
    try {
      await saveModel(dir, model, { base: { kind: 'builtin', name: 'use-lite' } });
      expect(onnxExportStaleness(dir)).toBe('no model.onnx');

      const first = await onnxSessionFor(dir, { intraOpNumThreads: 1 });
      expect(first).toBeInstanceOf(OnnxCrossEncoder);
      expect(fs.existsSync(path.join(dir, ONNX_FILE))).toBe(true);
      expect(onnxExportStaleness(dir)).toBeNull();
      const ref = await pairsScores(model, pairs);
      (await pairsScores(first as OnnxCrossEncoder, pairs)).forEach((s, i) => expect(Math.abs(s - ref[i]!)).toBeLessThan(1e-4));
      await (first as OnnxCrossEncoder).dispose();

      const mtime = fs.statSync(path.join(dir, ONNX_FILE)).mtimeMs;
      expect((await ensureOnnxExport(dir)).exported).toBe(false);
      expect(fs.statSync(path.join(dir, ONNX_FILE)).mtimeMs).toBe(mtime);

      // "Train": change the head, save again (weights.safetensors is now newer).
      const w = model.getWeights();
      const changed = new Map([
        ['score_head/cos_scale', tf.tensor1d([9])],
        ['score_head/bias', tf.tensor1d([-5])],
      ]);
      model.setWeights(changed);
      tf.dispose([...w.values(), ...changed.values()]);
      await saveModel(dir, model, { base: { kind: 'builtin', name: 'use-lite' } });
      const future = new Date(Date.now() + 5000);
      fs.utimesSync(path.join(dir, 'weights.safetensors'), future, future);
      expect(onnxExportStaleness(dir)).toMatch(/newer/);

      const second = (await onnxSessionFor(dir)) as OnnxCrossEncoder;
      const ref2 = await pairsScores(model, pairs);
      const got2 = await pairsScores(second, pairs);
      got2.forEach((s, i) => expect(Math.abs(s - ref2[i]!)).toBeLessThan(1e-4));
      expect(Math.abs(got2[0]! - ref[0]!)).toBeGreaterThan(0.01);
      await second.dispose();
    } finally {
      model.dispose();
    }
  });

  it('exports a Hugging Face bi-encoder folder with its base tokenizer; concurrent calls share one export', async () => {
    const dir = tmpDir();
    const model = await loadHfEncoder(path.join(FIX, 'bert-vocab'));
    try {
      await saveModel(dir, model, { base: { kind: 'hf', dir: path.join(FIX, 'bert-vocab') } });
      const a = ensureOnnxExport(dir);
      const b = ensureOnnxExport(dir);
      expect(a).toBe(b);
      expect((await a).exported).toBe(true);
      const meta = JSON.parse(fs.readFileSync(path.join(dir, ONNX_META_FILE), 'utf8'));
      expect(meta.info).toMatchObject({ kind: 'bi', family: 'bert', dim: model.dim });

      const onnx = (await onnxSessionFor(dir)) as OnnxBiEncoder;
      expect(onnx).toBeInstanceOf(OnnxBiEncoder);
      const { model: loaded } = await loadModel(dir);
      const texts = ['a man is playing a guitar', '', 'word '.repeat(100), 'the cat sat'];
      const ref = await (loaded as BiEncoder).embedDetailed(texts);
      const got = await onnx.embedDetailed(texts);
      expect(got.truncated).toEqual(ref.truncated);
      got.vectors.forEach((v, i) => {
        let d = 0;
        for (let k = 0; k < v.length; k++) d += v[k]! * ref.vectors[i]![k]!;
        expect(d).toBeGreaterThan(0.9999);
      });
      loaded.dispose();
      await onnx.dispose();

      fs.rmSync(path.join(dir, ONNX_META_FILE));
      expect(onnxExportStaleness(dir)).toMatch(/model\.onnx\.json/);
      expect((await ensureOnnxExport(dir)).exported).toBe(true);

      // An export made by an earlier graph version (a slower graph) is rebuilt.
      const metaPath = path.join(dir, ONNX_META_FILE);
      fs.writeFileSync(metaPath, JSON.stringify({ ...JSON.parse(fs.readFileSync(metaPath, 'utf8')), exportVersion: ONNX_EXPORT_VERSION - 1 }));
      expect(onnxExportStaleness(dir)).toMatch(/graph version/);
      expect((await ensureOnnxExport(dir)).exported).toBe(true);
      expect(onnxExportStaleness(dir)).toBeNull();
    } finally {
      model.dispose();
    }
  });

  it('rejects a folder that is not a model', async () => {
    await expect(onnxSessionFor(tmpDir())).rejects.toThrow(/config\.json/);
  });
});
