/**
 * Interfaces shared by the engine's encoders (the built-in USE lite and imported models):
 * a bi-encoder maps each text to a vector, a cross-encoder scores a pair of texts read
 * together. Both expose their variables explicitly so a trainer can optimise them and a
 * store can save / restore them.
 */
import type * as tf from '@tensorflow/tfjs';

export interface SetWeightsOptions {
  /** Ignore names the model does not have instead of throwing (default false). */
  ignoreUnknown?: boolean;
}

export interface TrainableModel {
  /** Every trainable variable by its stable name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** The variables an optimizer should update. */
  trainableVariables(): tf.Variable[];
  /** Copies of all weights by name; the caller owns (and disposes) the tensors. */
  getWeights(): Map<string, tf.Tensor>;
  /**
   * Assigns weights by name (shapes must match). Names missing from `weights` keep their
   * current value, so a cross-encoder can be initialised from bi-encoder weights.
   */
  setWeights(weights: ReadonlyMap<string, tf.Tensor>, options?: SetWeightsOptions): void;
  dispose(): void;
}

export interface InferenceOptions {
  /** Longest token sequence per input; longer inputs are truncated (and reported). */
  maxLength?: number;
  /** Inputs per forward pass. */
  batchSize?: number;
}

export interface ForwardOptions {
  maxLength?: number;
  /** Training mode: dropout on. */
  training?: boolean;
  /** Dropout rate in training mode (default 0.1). */
  dropoutRate?: number;
}

export interface EmbedResult {
  /** One L2-normalised vector per input text, in input order. */
  vectors: Float32Array[];
  /** truncated[i]: text i had more than maxLength tokens. */
  truncated: boolean[];
}

export interface BiEncoder extends TrainableModel {
  readonly kind: 'bi-encoder';
  readonly dim: number;
  /** Default maxLength when none is given. */
  readonly maxLength: number;
  embed(texts: readonly string[], options?: InferenceOptions): Promise<Float32Array[]>;
  embedDetailed(texts: readonly string[], options?: InferenceOptions): Promise<EmbedResult>;
  /** Differentiable forward pass: [texts.length, dim] L2-normalised embeddings. */
  forward(texts: readonly string[], options?: ForwardOptions): { embeddings: tf.Tensor2D; truncated: boolean[] };
}

export type TextPair = readonly [string, string];

export interface ScoreResult {
  /** sigmoid(logit) per pair, in input order. */
  scores: Float32Array;
  truncated: boolean[];
}

export interface CrossEncoder extends TrainableModel {
  readonly kind: 'cross-encoder';
  readonly maxLength: number;
  score(pairs: readonly TextPair[], options?: InferenceOptions): Promise<Float32Array>;
  scoreDetailed(pairs: readonly TextPair[], options?: InferenceOptions): Promise<ScoreResult>;
  /** Differentiable forward pass: one logit per pair (sigmoid gives the score). */
  forward(pairs: readonly TextPair[], options?: ForwardOptions): { logits: tf.Tensor1D; truncated: boolean[] };
}
