import * as tf from '@tensorflow/tfjs';

/**
 * Binary cross-entropy with soft targets in [0, 1], computed from logits in the numerically
 * stable form max(x, 0) - x*t + log(1 + exp(-|x|)). The cross-encoder learns the teacher's
 * similarity as a probability (bi -> cross in the paper).
 */
export function softBceWithLogits(logits: tf.Tensor1D, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const relu = tf.relu(logits);
    const logTerm = tf.log1p(tf.exp(tf.neg(tf.abs(logits))));
    return tf.mean(tf.add(tf.sub(relu, tf.mul(logits, targets)), logTerm)) as tf.Scalar;
  });
}

/** Cosine similarity of row pairs of two L2-normalised matrices: [n]. */
export function rowCosine(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(a, b), 1) as tf.Tensor1D;
}

/** Mean squared error between the cosine of embedding pairs and target scores (cross -> bi). */
export function cosineMse(a: tf.Tensor2D, b: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(rowCosine(a, b), targets))) as tf.Scalar);
}

/**
 * SimCSE's unsupervised contrastive loss: two dropout views of the same batch; each row's
 * positive is its other view, the other rows are negatives (cross-entropy over scaled cosines).
 */
export function simcseLoss(view1: tf.Tensor2D, view2: tf.Tensor2D, temperature = 0.05): tf.Scalar {
  return tf.tidy(() => {
    const sims = tf.div(tf.matMul(view1, view2, false, true), temperature) as tf.Tensor2D;
    const n = sims.shape[0];
    const labels = tf.oneHot(tf.range(0, n, 1, 'int32'), n);
    return tf.losses.softmaxCrossEntropy(labels, sims) as tf.Scalar;
  });
}
