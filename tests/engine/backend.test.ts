import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dense,
  embeddingLookup,
  initBackend,
  installWasmMatMulPatch,
  isWasmMatMulPatchInstalled,
  matMul,
  uninstallWasmMatMulPatch,
} from '../../src/engine/backend';

function resolvable(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/** Plain-JS reference product of row-major matrices. */
function jsMatMul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      out[i * n + j] = s;
    }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('initBackend', () => {
  afterAll(async () => {
    await initBackend('wasm');
  });

  it('auto picks the best available backend and says why', async () => {
    const info = await initBackend('auto', { env: {} });
    expect(tf.getBackend()).toBe(info.name);
    if (!resolvable('@tensorflow/tfjs-node') && !resolvable('@tensorflow/tfjs-node-gpu')) {
      expect(info.name).toBe('wasm');
      expect(info.reason).toMatch(/tensorflow: .*not loadable/);
      expect(info.reason).toMatch(/webgpu: off unless TENC_WEBGPU=1/);
    }
  });

  it('falls back when tensorflow is requested but not installed', async () => {
    const info = await initBackend('tensorflow');
    expect(tf.getBackend()).toBe(info.name);
    if (!resolvable('@tensorflow/tfjs-node')) {
      expect(info.name).toBe('wasm');
      expect(info.reason).toContain('fallback from tensorflow');
    }
  });

  it('tries webgpu when asked (explicitly or with TENC_WEBGPU=1) and survives its absence', async () => {
    const explicit = await initBackend('webgpu');
    expect(['webgpu', 'wasm']).toContain(explicit.name);
    expect(tf.getBackend()).toBe(explicit.name);
    if (explicit.name === 'wasm') {
      expect(explicit.reason).toMatch(/webgpu: /);
      await initBackend('cpu');
      const auto = await initBackend('auto', { env: { TENC_WEBGPU: '1' } });
      expect(auto.reason).toMatch(/webgpu: /);
      expect(auto.reason).not.toContain('off unless');
    }
  });

  it('switches to cpu and back to wasm on request', async () => {
    expect((await initBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await initBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(isWasmMatMulPatchInstalled()).toBe(true);
  });
});

describe('wasm matMul patch', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => {
    installWasmMatMulPatch();
  });

  const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
    { a: [37, 29], b: [29, 41], ta: false, tb: false },
    { a: [37, 29], b: [41, 29], ta: false, tb: true },
    { a: [29, 37], b: [29, 41], ta: true, tb: false },
    { a: [29, 37], b: [41, 29], ta: true, tb: true },
    { a: [3, 5, 40, 33], b: [3, 5, 40, 33], ta: false, tb: true }, // attention scores (looped)
    { a: [3, 5, 40, 40], b: [3, 5, 40, 33], ta: false, tb: false },
    { a: [3, 5, 40, 40], b: [3, 5, 40, 33], ta: true, tb: false },
    { a: [6, 4, 3], b: [6, 3, 2], ta: false, tb: false }, // tiny: generic loop
    { a: [6, 13, 17], b: [17, 11], ta: false, tb: false }, // batch against one matrix
    { a: [6, 17, 13], b: [11, 17], ta: true, tb: true },
  ];

  it.each(cases)('matches a plain-JS product for a=$a b=$b ta=$ta tb=$tb', ({ a, b, ta, tb }) => {
    installWasmMatMulPatch();
    const A = tf.randomNormal(a, 0, 1, 'float32', 1);
    const B = tf.randomNormal(b, 0, 1, 'float32', 2);
    const out = tf.matMul(A, B, ta, tb);
    // Reference: explicit transposes on the JS side.
    const At = ta
      ? tf.transpose(
          A,
          [...a.keys()].map((i) => (i < a.length - 2 ? i : i === a.length - 2 ? i + 1 : i - 1)),
        )
      : A;
    const Bt = tb
      ? tf.transpose(
          B,
          [...b.keys()].map((i) => (i < b.length - 2 ? i : i === b.length - 2 ? i + 1 : i - 1)),
        )
      : B;
    const [m, k] = At.shape.slice(-2) as [number, number];
    const n = Bt.shape[Bt.rank - 1]!;
    const batchA = At.size / (m * k);
    const batchB = Bt.size / (k * n);
    const av = At.dataSync() as Float32Array;
    const bv = Bt.dataSync() as Float32Array;
    const want: number[] = [];
    for (let i = 0; i < Math.max(batchA, batchB); i++) {
      const ai = av.subarray((batchA === 1 ? 0 : i) * m * k, ((batchA === 1 ? 0 : i) + 1) * m * k);
      const bi = bv.subarray((batchB === 1 ? 0 : i) * k * n, ((batchB === 1 ? 0 : i) + 1) * k * n);
      want.push(...jsMatMul(ai, bi, m, k, n));
    }
    expect(out.size).toBe(want.length);
    expect(maxAbsDiff(out.dataSync(), want)).toBeLessThan(1e-4);
    tf.dispose([A, B, out, At, Bt]);
  });

  it('gives the same gradients as the unpatched kernel', () => {
    const A = tf.randomNormal([4, 3, 24, 20], 0, 1, 'float32', 3);
    const B = tf.randomNormal([4, 3, 24, 20], 0, 1, 'float32', 4);
    const W = tf.randomNormal([4, 3, 24, 24], 0, 1, 'float32', 5);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b, false, true), W));
    installWasmMatMulPatch();
    const patched = tf.grads(f)([A, B]);
    uninstallWasmMatMulPatch();
    expect(isWasmMatMulPatchInstalled()).toBe(false);
    const plain = tf.grads(f)([A, B]);
    installWasmMatMulPatch();
    expect(maxAbsDiff(patched[0]!.dataSync(), plain[0]!.dataSync())).toBeLessThan(1e-3);
    expect(maxAbsDiff(patched[1]!.dataSync(), plain[1]!.dataSync())).toBeLessThan(1e-3);
    tf.dispose([A, B, W, ...patched, ...plain]);
  });

  it('does not leak tensors', () => {
    installWasmMatMulPatch();
    const A = tf.randomNormal([2, 4, 40, 40]);
    const B = tf.randomNormal([2, 4, 40, 40]);
    const before = tf.memory().numTensors;
    const beforeBytes = tf.memory().numBytes;
    for (let i = 0; i < 3; i++) tf.tidy(() => tf.matMul(A, B, true, true).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(beforeBytes);
    tf.dispose([A, B]);
  });
});

describe('model ops', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('matMul/dense fold a batch against a matrix and keep shapes', () => {
    const x = tf.randomNormal([3, 7, 16], 0, 1, 'float32', 8);
    const w = tf.randomNormal([16, 5], 0, 1, 'float32', 9) as tf.Tensor2D;
    const bias = tf.randomNormal([5], 0, 1, 'float32', 10) as tf.Tensor1D;
    const y = dense(x, w, bias);
    expect(y.shape).toEqual([3, 7, 5]);
    const want = tf.add(tf.matMul(x.reshape([21, 16]), w).reshape([3, 7, 5]), bias);
    expect(maxAbsDiff(y.dataSync(), want.dataSync())).toBeLessThan(1e-5);
    expect(matMul(x, w).shape).toEqual([3, 7, 5]);
    tf.dispose([x, w, bias, y, want]);
  });

  it('embeddingLookup gathers rows and its wasm gradient equals tf.gather’s gradient on cpu', async () => {
    const tableValues = tf.randomNormal([10, 4], 0, 1, 'float32', 11).dataSync();
    const ids = [
      [1, 3, 3],
      [9, 1, 0],
    ]; // duplicates must be summed
    const upstream = Array.from({ length: 24 }, (_, i) => (i % 7) - 3);
    const gradOf = (lookup: (t: tf.Tensor2D, i: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const table = tf.tensor2d(tableValues, [10, 4]);
        const idT = tf.tensor2d(ids, [2, 3], 'int32');
        const dy = tf.tensor3d(upstream, [2, 3, 4]);
        const [value, grad] = [lookup(table, idT), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(lookup(t as tf.Tensor2D, idT), dy)))(table)];
        return [Array.from(value.dataSync()), Array.from(grad.dataSync())];
      });
    const [wasmValue, wasmGrad] = gradOf((t, i) => embeddingLookup(t, i));
    await initBackend('cpu');
    const [cpuValue, cpuGrad] = gradOf((t, i) => tf.gather(t, i));
    await initBackend('wasm');
    expect(maxAbsDiff(wasmValue!, cpuValue!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(wasmGrad!, cpuGrad!)).toBeLessThan(1e-5);
    // Row 3 appears twice: its gradient is the sum of both upstream rows.
    expect(wasmGrad!.slice(12, 16)).toEqual([0, 1, 2, 3].map((j) => upstream[4 + j]! + upstream[8 + j]!));
    // Unused rows get no gradient.
    expect(wasmGrad!.slice(8, 12)).toEqual([0, 0, 0, 0]);
  });
});

describe('wasm matMul patch installation', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => {
    installWasmMatMulPatch();
  });

  it('swaps the registered kernel, and model ops respect an explicit uninstall', () => {
    installWasmMatMulPatch();
    const patched = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    uninstallWasmMatMulPatch();
    const original = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    expect(original).not.toBe(patched);
    tf.tidy(() => matMul(tf.ones([2, 3, 4]), tf.ones([4, 5])));
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(original);
    installWasmMatMulPatch();
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).not.toBe(original);
  });
});
