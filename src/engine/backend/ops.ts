/**
 * The few tensor operations the model code needs, written so one code path is fast and
 * differentiable on every backend (wasm included).
 */
import * as tf from '@tensorflow/tfjs';
import { ensureWasmMatMulPatch } from './wasmMatMulPatch';

/**
 * Matrix product with optional transposes, batched over leading dimensions.
 * On wasm the transposes go through tf.transpose (see wasmMatMulPatch.ts), also in the
 * gradient. A rank>2 `a` times a rank-2 `b` is folded into one 2-D product: broadcasting
 * a batch against a single matrix would otherwise take the slow batched path.
 */
export function matMul<T extends tf.Tensor>(a: T, b: tf.Tensor, transposeA = false, transposeB = false): T {
  // Covers a wasm backend activated without initBackend (e.g. tf.setBackend('wasm')).
  ensureWasmMatMulPatch();
  if (a.rank > 2 && b.rank === 2 && !transposeA) {
    return tf.tidy(() => {
      const k = a.shape[a.rank - 1]!;
      const out = tf.matMul(a.reshape([-1, k]) as tf.Tensor2D, b as tf.Tensor2D, false, transposeB);
      return out.reshape([...a.shape.slice(0, -1), out.shape[1]!]) as T;
    });
  }
  return tf.matMul(a, b, transposeA, transposeB) as T;
}

/** x @ kernel + bias over the last dimension of x. */
export function dense<T extends tf.Tensor>(x: T, kernel: tf.Tensor2D, bias?: tf.Tensor1D): T {
  return tf.tidy(() => {
    const y = matMul(x, kernel);
    return (bias ? tf.add(y, bias) : y) as T;
  });
}

/**
 * Rows of `table` for integer `ids` (any shape): output shape = ids.shape + [dim].
 * The gradient is a scatterND (duplicates summed) instead of tf.gather's
 * UnsortedSegmentSum, which tfjs-backend-wasm lacks.
 */
export function embeddingLookup(table: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const flatIds = ids.reshape([-1]).toInt();
    const lookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const t = args[0] as tf.Tensor2D;
      const save = args[1] as tf.GradSaveFunc;
      save([flatIds]);
      return {
        value: tf.gather(t, flatIds),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(saved[0]!.reshape([-1, 1]), dy.reshape([-1, t.shape[1]]), t.shape),
      };
    });
    return (lookup(table) as tf.Tensor).reshape([...ids.shape, table.shape[1]]);
  });
}

/** Layer normalisation over the last dimension, as in the USE graph (variance epsilon inside rsqrt). */
export function layerNorm<T extends tf.Tensor>(x: T, scale: tf.Tensor1D, bias: tf.Tensor1D, epsilon = 1e-6): T {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), -1, true);
    return tf.add(tf.mul(tf.mul(scale, tf.rsqrt(tf.add(variance, epsilon))), centered), bias) as T;
  });
}

/** Inverted dropout; identity when rate <= 0. */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed?: number): T {
  if (!(rate > 0)) return x;
  return tf.dropout(x, rate, undefined, seed) as T;
}
