/** Shared types of the deduplication engine, and the model functions it is given. */

/** Which layer found a match. The store's cluster layers use the same names. */
export type MatchLayer = 'exact' | 'near' | 'semantic' | 'cross';

export const MATCH_LAYERS: readonly MatchLayer[] = ['exact', 'near', 'semantic', 'cross'];

/**
 * How strong the evidence of each layer is, used to pick the best match of a pair and the
 * weakest link of a cluster: identical normalised text, then high shingle overlap, then a
 * bi-encoder similarity clearly above the threshold, then a borderline one the cross-encoder
 * accepted.
 */
export const LAYER_STRENGTH: Readonly<Record<MatchLayer, number>> = { exact: 4, near: 3, semantic: 2, cross: 1 };

/** An accepted duplicate relation between items `a` and `b` (indexes of the caller's list). */
export interface Match {
  a: number;
  b: number;
  layer: MatchLayer;
  /** Similarity in the layer's own scale: 1 for exact, estimated Jaccard, cosine, cross-encoder score (or pair judge probability). */
  score: number;
  /** The bi-encoder cosine of a pair the pair judge decided. */
  cosine?: number;
  /** Decided by the pair judge (score is its probability), not by a cross-encoder. */
  judged?: boolean;
}

/** Bi-encoder: L2-normalised embeddings, one per text, in order. */
export type EmbedFn = (texts: string[]) => Promise<Float32Array[]>;

/** Cross-encoder: a score in [0, 1] per pair, in order. */
export type CrossScoreFn = (pairs: Array<[string, string]>) => Promise<number[]>;
