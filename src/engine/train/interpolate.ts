/**
 * Weight interpolation ("WiSE-FT", Wortsman et al. 2022): a model whose every weight is
 * `startShare * start + (1 - startShare) * trained`. Fine-tuning from the same start keeps both
 * models in one basin, so the mix usually keeps the trained model's gains and gives back much of
 * its losses on the kinds of text it drifted on (issue 10).
 */
import * as tf from '@tensorflow/tfjs';

/** The interpolated weights (new tensors; the caller disposes them). Names and shapes must match. */
export function interpolateWeights(start: ReadonlyMap<string, tf.Tensor>, trained: ReadonlyMap<string, tf.Tensor>, startShare: number): Map<string, tf.Tensor> {
  if (!(startShare >= 0 && startShare <= 1)) throw new Error(`the start's share must be between 0 and 1, not ${startShare}`);
  const out = new Map<string, tf.Tensor>();
  try {
    for (const [name, t] of trained) {
      const s = start.get(name);
      if (!s) throw new Error(`the start model has no weight ${name}`);
      if (s.shape.join('x') !== t.shape.join('x')) throw new Error(`weight ${name}: shape ${s.shape.join('x')} at the start, ${t.shape.join('x')} trained`);
      out.set(
        name,
        tf.tidy(() => (t.dtype === 'float32' ? tf.add(tf.mul(s, startShare), tf.mul(t, 1 - startShare)) : t.clone())),
      );
    }
    if (start.size !== trained.size) throw new Error(`the start model has ${start.size} weights, the trained one ${trained.size}`);
  } catch (err) {
    tf.dispose([...out.values()]);
    throw err;
  }
  return out;
}
