/**
 * The default candidate stage of the semantic layer: SIF document vectors over the GloVe word
 * vectors (models/glove, converted once into the data folder), loaded on first use.
 */
import { loadGlove, type GloveSif, type LoadGloveOptions } from '../models/glove';
import type { CandidateStage } from './scan/candidates';

/**
 * SIF cosine from which two short documents (up to 300 characters: sentences) are candidates. On
 * the pair judge's fitting pairs (bench/fit-pair-judge.ts data: STS-B train, SICK-R train, MRPC
 * train 1-3076) 99.0% of the same-meaning pairs that reach the judge's floor have a SIF cosine
 * ≥ 0.6 (0.5: 99.8%).
 */
export const DEFAULT_CANDIDATE_FLOOR = 0.6;

/**
 * The floor for documents of 1,000 characters and more (linear in between). Measured on ~1 KB
 * documents made of STS / MRPC / SICK sentences (300 documents whose every sentence is replaced
 * by its paraphrase, 5,000 of random sentences): at 0.85, 95% of the paraphrased documents keep
 * their partner and 11.5% of the random ones have some neighbour (at 0.8: 98.7% and 40%).
 */
export const DEFAULT_CANDIDATE_LONG_FLOOR = 0.85;

/** Shared-words floor for documents of 1,000 characters and more (see CandidateStage.lexicalFloor). */
export const DEFAULT_CANDIDATE_LEXICAL_FLOOR = 0.3;

export function gloveCandidateStage(
  options: LoadGloveOptions = {},
  floor = DEFAULT_CANDIDATE_FLOOR,
  longFloor = DEFAULT_CANDIDATE_LONG_FLOOR,
  lexicalFloor: number | undefined = DEFAULT_CANDIDATE_LEXICAL_FLOOR,
): CandidateStage {
  let sif: GloveSif | null = null;
  return {
    floor,
    longFloor,
    lexicalFloor,
    shortChars: 300,
    longChars: 1000,
    embed: (texts) => {
      sif ??= loadGlove(options);
      return sif.embed(texts, { component: 'reference' });
    },
  };
}
