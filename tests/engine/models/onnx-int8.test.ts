/**
 * The opt-in int8 export (issue 14): kernels quantised per column within half a step, the
 * USE lite graph runs with int8 dense layers and stays close to float32 on real STS sentences
 * (not equal: it is an option, never the default), and other families refuse it clearly.
 */
import { itWithData } from '../../helpers/sharedData';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import { loadHfEncoder } from '../../../src/engine/models/hf';
import { OnnxBiEncoder, OnnxExportError, buildOnnxModel, openOnnxEncoder, quantizeKernel } from '../../../src/engine/models/onnx';
import { type UseLiteBiEncoder, loadUseLiteBiEncoder } from '../../../src/engine/models/use-lite';
import { rng, sharedDataSentences } from './use-lite-fixtures';

let model: UseLiteBiEncoder;

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
  model = loadUseLiteBiEncoder();
}, 60_000);

afterAll(() => model?.dispose());

describe('int8 ONNX export', () => {
  it('quantises each kernel column to 7-bit steps of its own scale', () => {
    const r = rng(5);
    const rows = 16;
    const cols = 3;
    const data = Float32Array.from({ length: rows * cols }, (_, i) => (r() - 0.5) * (i % cols === 2 ? 0 : i % cols === 0 ? 0.1 : 8));
    const { q, scales } = quantizeKernel({ shape: [rows, cols], data });
    expect(Math.max(...Array.from(q).map(Math.abs))).toBeLessThanOrEqual(63);
    for (let i = 0; i < data.length; i++) {
      const c = i % cols;
      expect(Math.abs(q[i]! * scales[c]! - data[i]!)).toBeLessThanOrEqual(scales[c]! / 2 + 1e-7);
    }
    expect(scales[0]!).toBeLessThan(scales[1]!); // per column, not one scale for all
  });

  itWithData(
    'embeds real STS sentences close to the float32 graph',
    async () => {
      const texts = sharedDataSentences(80, 21);
      const f32 = (await openOnnxEncoder(model, buildOnnxModel(model).bytes, { intraOpNumThreads: 1, verify: false })) as OnnxBiEncoder;
      const i8 = (await openOnnxEncoder(model, buildOnnxModel(model, { quantize: 'int8' }).bytes, { intraOpNumThreads: 1, verify: false })) as OnnxBiEncoder;
      try {
        const a = await f32.embed(texts);
        const b = await i8.embed(texts);
        const cos = a.map((v, i) => v.reduce((s, x, k) => s + x * b[i]![k]!, 0));
        expect(Math.min(...cos)).toBeGreaterThan(0.98);
        // Quantised for real: not bit-identical to float32.
        expect(Math.min(...cos)).toBeLessThan(0.999999);
      } finally {
        await f32.dispose();
        await i8.dispose();
      }
    },
    120_000,
  );

  it('refuses int8 for a BERT encoder with a clear message', async () => {
    const hf = await loadHfEncoder(path.resolve(__dirname, '../../fixtures/hf/bert-vocab'));
    try {
      expect(() => buildOnnxModel(hf, { quantize: 'int8' })).toThrow(OnnxExportError);
      expect(() => buildOnnxModel(hf, { quantize: 'int8' })).toThrow(/only implemented for USE lite/);
    } finally {
      hf.dispose();
    }
  }, 60_000);
});
