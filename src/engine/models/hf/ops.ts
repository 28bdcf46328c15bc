/**
 * Small TF.js building blocks of the BERT / RoBERTa encoder. Lookups and products go
 * through src/engine/backend/ops (embeddingLookup has a gradient that works on wasm,
 * matMul installs the wasm transposed-product patch that the gradients need).
 */
import * as tf from '@tensorflow/tfjs';
import { embeddingLookup, matMul } from '../../backend/ops';
import type { HiddenAct } from './config';

/** Rows of `table` [V, H] for int32 `ids` [N] -> [N, H]. */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  return embeddingLookup(table, ids) as tf.Tensor2D;
}

/** x [N, in] @ w [in, out] + b [out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.add(matMul(x, w), b);
}

/** Batched product without transposes (callers transpose explicitly). */
export function batchMatMul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  return matMul(a, b);
}

/** LayerNorm over the last axis with biased variance, as torch.nn.LayerNorm. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function activation(x: tf.Tensor2D, act: HiddenAct): tf.Tensor2D {
  switch (act) {
    case 'gelu':
      // exact GELU: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT_HALF))));
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast': {
      const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    case 'relu':
      return tf.relu(x);
    case 'silu':
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
  }
}

/** Inverted dropout; identity for rate 0 (inference). */
export function maybeDropout<T extends tf.Tensor>(x: T, rate: number): T {
  return rate > 0 ? (tf.dropout(x, rate) as T) : x;
}
