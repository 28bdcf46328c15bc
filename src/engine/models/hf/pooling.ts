/** Sentence-transformers pooling of token states into one vector per sentence. */
import * as tf from '@tensorflow/tfjs';
import { POOLING_MODES, type PoolingMode } from './sentenceTransformers';

/**
 * hidden [B, L, H], attentionMask [B, L] -> [B, H * modes.length]; several modes are
 * concatenated in sentence-transformers order (cls, max, mean, mean_sqrt_len).
 */
export function poolTokens(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D, modes: readonly PoolingMode[]): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, , H] = hidden.shape;
    const mask = tf.expandDims(tf.cast(attentionMask, 'float32'), 2); // [B, L, 1]
    const parts: tf.Tensor2D[] = [];
    const ordered = POOLING_MODES.filter((m) => modes.includes(m));
    for (const mode of ordered) {
      if (mode === 'cls') {
        parts.push(tf.reshape(tf.slice(hidden, [0, 0, 0], [B, 1, H]), [B, H]));
      } else if (mode === 'max') {
        // padding positions get -1e9 so they never win, as in sentence-transformers
        parts.push(tf.max(tf.add(hidden, tf.mul(tf.sub(1, mask), -1e9)), 1) as tf.Tensor2D);
      } else {
        const sum = tf.sum(tf.mul(hidden, mask), 1);
        const count = tf.maximum(tf.sum(mask, 1), 1e-9); // [B, 1]
        parts.push(tf.div(sum, mode === 'mean' ? count : tf.sqrt(count)) as tf.Tensor2D);
      }
    }
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D);
  });
}

/** Rows scaled to unit L2 norm (a zero row stays zero), as torch.nn.functional.normalize. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 2, 1, true), 1e-12)) as tf.Tensor2D);
}
