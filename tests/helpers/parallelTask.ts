import type { ParallelTask } from '../../src/engine/train/parallel/task';

/**
 * A parallel training task over generated texts: the first n texts against the next n, fixed
 * labels in [0, 1], dropout off (so single- and multi-threaded losses can be compared).
 */
export function pairTask(loss: ParallelTask['loss'], texts: readonly string[], n: number, maxLength: number): ParallelTask {
  return {
    loss,
    a: texts.slice(0, n),
    b: texts.slice(n, 2 * n),
    labels: Float32Array.from({ length: n }, (_, i) => ((i * 7) % 11) / 10),
    maxLength,
    dropout: 0,
  };
}
