/**
 * The default candidate stage of the semantic layer: SIF document vectors over the GloVe word
 * vectors (models/glove, converted once into the data folder), loaded on first use.
 */
import { loadGlove, type GloveSif, type LoadGloveOptions } from '../models/glove';
import type { CandidateStage } from './scan/candidates';

/**
 * SIF cosine from which two documents are candidates. On the pair judge's fitting pairs
 * (bench/fit-pair-judge.ts data: STS-B train, SICK-R train, MRPC train 1-3076) 99.0% of the
 * same-meaning pairs that reach the judge's floor have a SIF cosine ≥ 0.6 (0.5: 99.8%).
 */
export const DEFAULT_CANDIDATE_FLOOR = 0.6;

export function gloveCandidateStage(options: LoadGloveOptions = {}, floor = DEFAULT_CANDIDATE_FLOOR): CandidateStage {
  let sif: GloveSif | null = null;
  return {
    floor,
    embed: (texts) => {
      sif ??= loadGlove(options);
      return sif.embed(texts, { component: 'reference' });
    },
  };
}
