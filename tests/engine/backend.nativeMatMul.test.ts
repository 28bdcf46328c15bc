/**
 * Issue 14: the wasm backend's matrix products on ONNX Runtime's native kernels
 * (src/engine/backend/nativeMatMul.ts). Every product shape the model and its gradients use
 * matches a plain-JS reference and really ran natively; training through fit() gives the same
 * losses as the single-threaded XNNPACK path within 1e-4 relative over 20 steps (dropout off);
 * and the tensor count stays flat step after step.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, matMul } from '../../src/engine/backend';
import { installNativeMatMul, nativeMatMulInfo, uninstallNativeMatMul } from '../../src/engine/backend/nativeMatMul';
import {
  type UseLiteBaseParams,
  loadUseLiteBaseParams,
  loadUseLiteBiEncoder,
  loadUseLiteCrossEncoder,
  loadUseLiteTokenizer,
} from '../../src/engine/models/use-lite';
import { fit } from '../../src/engine/train/fit';
import { cosineMse, softBceWithLogits } from '../../src/engine/train/losses';
import { generateSentences, rng } from './models/use-lite-fixtures';

/** Reference op(a) @ op(b) of one row-major item, in float64. */
function ref(a: Float32Array, b: Float32Array, [a0, a1]: number[], [b0, b1]: number[], tA: boolean, tB: boolean): Float64Array {
  const m = tA ? a1! : a0!;
  const k = tA ? a0! : a1!;
  const n = tB ? b0! : b1!;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[tA ? p * a1! + i : i * a1! + p]! * b[tB ? j * b1! + p : p * b1! + j]!;
      out[i * n + j] = s;
    }
  return out;
}

function randomArray(size: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: size }, () => r() * 2 - 1);
}

let base: UseLiteBaseParams;
const tokenizer = loadUseLiteTokenizer();

beforeAll(async () => {
  const info = await initBackend('wasm');
  expect(info.name).toBe('wasm');
  base = loadUseLiteBaseParams();
});

afterAll(() => {
  tf.dispose([...base.params.values(), base.invTimescales]);
  installNativeMatMul();
});

describe('native matrix products (ONNX Runtime kernels under tfjs-wasm)', () => {
  it('initBackend turns it on and says so', async () => {
    expect(installNativeMatMul({ threads: 2 })).toBeNull();
    expect(nativeMatMulInfo()?.threads).toBe(2);
    expect(installNativeMatMul({}, { TENC_NATIVE_MATMUL: '0' })).toMatch(/TENC_NATIVE_MATMUL=0/);
  });

  const cases: Array<{ name: string; a: number[]; b: number[]; tA: boolean; tB: boolean }> = [
    { name: '2-D', a: [70, 50], b: [50, 40], tA: false, tB: false },
    { name: '2-D, b transposed (dy @ W^T)', a: [70, 50], b: [40, 50], tA: false, tB: true },
    { name: '2-D, a transposed (x^T @ dy)', a: [50, 70], b: [50, 40], tA: true, tB: false },
    { name: '2-D, both transposed', a: [50, 70], b: [40, 50], tA: true, tB: true },
    { name: 'batch against one matrix', a: [3, 24, 50], b: [50, 60], tA: false, tB: false },
    { name: 'equal batches, b transposed (q @ k^T)', a: [2, 3, 40, 32], b: [2, 3, 40, 32], tA: false, tB: true },
    { name: 'equal batches, a transposed', a: [6, 40, 32], b: [6, 40, 36], tA: true, tB: false },
  ];
  for (const c of cases) {
    it(`${c.name}: matches a float64 reference and runs natively`, () => {
      expect(installNativeMatMul({ threads: 2 })).toBeNull();
      const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
      const a = randomArray(size(c.a), 1);
      const b = randomArray(size(c.b), 2);
      const out = tf.tidy(() => matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.tA, c.tB));
      const got = out.dataSync() as Float32Array;
      const before = nativeMatMulInfo()!.calls;
      expect(before).toBeGreaterThan(0);
      out.dispose();
      const a2 = c.a.slice(-2);
      const b2 = c.b.slice(-2);
      const batchA = size(c.a.slice(0, -2));
      const batchB = size(c.b.slice(0, -2));
      const m = c.tA ? a2[1]! : a2[0]!;
      const n = c.tB ? b2[0]! : b2[1]!;
      let maxDiff = 0;
      for (let i = 0; i < Math.max(batchA, batchB); i++) {
        const ai = a.subarray((batchA === 1 ? 0 : i) * size(a2), ((batchA === 1 ? 0 : i) + 1) * size(a2));
        const bi = b.subarray((batchB === 1 ? 0 : i) * size(b2), ((batchB === 1 ? 0 : i) + 1) * size(b2));
        const want = ref(ai, bi, a2, b2, c.tA, c.tB);
        for (let j = 0; j < m * n; j++) maxDiff = Math.max(maxDiff, Math.abs(got[i * m * n + j]! - want[j]!));
      }
      expect(maxDiff).toBeLessThan(1e-4);
    });
  }

  it('gradients through native products match XNNPACK', () => {
    const grads = () =>
      tf.tidy(() => {
        const x = tf.tensor(randomArray(4 * 20 * 64, 3), [4, 20, 64]);
        const w = tf.tensor(randomArray(64 * 96, 4), [64, 96]);
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(matMul(matMul(xx, ww), ww, false, true))));
        return g([x, w]).map((t) => Array.from(t.dataSync()));
      });
    expect(installNativeMatMul({ threads: 2 })).toBeNull();
    const calls = nativeMatMulInfo()!.calls;
    const native = grads();
    expect(nativeMatMulInfo()!.calls).toBeGreaterThan(calls);
    uninstallNativeMatMul();
    const xnn = grads();
    for (let k = 0; k < 2; k++) {
      // Float32 sums in another order: differences at the level of rounding, relative to the scale.
      const scale = Math.max(...xnn[k]!.map(Math.abs));
      let diff = 0;
      for (let i = 0; i < xnn[k]!.length; i++) diff = Math.max(diff, Math.abs(native[k]![i]! - xnn[k]![i]!));
      expect(diff / scale).toBeLessThan(1e-5);
    }
  });
});

describe('training on native products: same losses as the single-threaded path', () => {
  const texts = generateSentences(64, 77);
  const labels = Float32Array.from({ length: 32 }, (_, i) => ((i * 7) % 11) / 10);

  async function losses(kind: 'bi' | 'cross', native: boolean): Promise<{ losses: number[]; tensors: number[] }> {
    if (native) expect(installNativeMatMul({ threads: 2 })).toBeNull();
    else uninstallNativeMatMul();
    const model = kind === 'bi' ? loadUseLiteBiEncoder({ base, tokenizer }) : loadUseLiteCrossEncoder({ base, tokenizer });
    const out: number[] = [];
    const tensors: number[] = [];
    try {
      await fit({
        model,
        examples: 32,
        batchSize: 4,
        epochs: 3,
        // The Quick preset's bi->cross rate (its cross->bi one is smaller).
        learningRate: 5e-5,
        warmupFraction: 0.1,
        seed: 5,
        lossOf: (batch) => {
          const idx = Array.from(batch);
          const y = tf.tensor1d(idx.map((i) => labels[i]!));
          // Dropout off: both paths see exactly the same function.
          const opts = { training: false, maxLength: 12 };
          if (model.kind === 'cross-encoder') {
            return softBceWithLogits(
              model.forward(
                idx.map((i) => [texts[2 * i]!, texts[2 * i + 1]!] as const),
                opts,
              ).logits,
              y,
            );
          }
          const ea = model.forward(
            idx.map((i) => texts[2 * i]!),
            opts,
          ).embeddings;
          const eb = model.forward(
            idx.map((i) => texts[2 * i + 1]!),
            opts,
          ).embeddings;
          return cosineMse(ea, eb, y);
        },
        onStep: (step, _total, loss) => {
          out.push(loss);
          tensors.push(tf.memory().numTensors);
          if (step >= 20) throw new Error('enough');
        },
      }).catch((err: unknown) => {
        if (!(err instanceof Error && err.message === 'enough')) throw err;
      });
    } finally {
      model.dispose();
    }
    return { losses: out, tensors };
  }

  for (const kind of ['bi', 'cross'] as const) {
    it(`${kind}-encoder: 20 fit() steps, native 2 threads vs XNNPACK 1 thread`, async () => {
      const calls = (installNativeMatMul({ threads: 2 }), nativeMatMulInfo()!.calls);
      const native = await losses(kind, true);
      expect(nativeMatMulInfo()!.calls).toBeGreaterThan(calls + 20);
      const single = await losses(kind, false);
      expect(native.losses).toHaveLength(20);
      expect(single.losses).toHaveLength(20);
      const rel = native.losses.map((l, s) => Math.abs(l - single.losses[s]!) / Math.abs(single.losses[s]!));
      console.log(`${kind}: max relative loss difference over 20 steps ${Math.max(...rel).toExponential(2)}`);
      for (let s = 0; s < 20; s++) {
        expect(Math.abs(native.losses[s]! - single.losses[s]!) / Math.abs(single.losses[s]!)).toBeLessThan(1e-4);
      }
      // The loss moved (training happened), and no tensor is left behind per step.
      expect(native.losses[19]).not.toBe(native.losses[0]);
      expect(new Set(native.tensors.slice(1)).size).toBe(1);
    }, 400_000);
  }
});
