/** The pair judge shipped with the app: weights in resources/dedup/pair-judge.json (fitted by bench/fit-pair-judge.ts). */
import shipped from '../../../resources/dedup/pair-judge.json' with { type: 'json' };
import { loadGloveVectors, type LoadGloveOptions } from '../models/glove';
import { loadUseLiteBiEncoder } from '../models/use-lite';
import { checkJudgeWeights, pairJudgeFrom, type PairJudge, type PairJudgeWeights } from './pairJudge';

/** The shipped weights (resources/dedup/pair-judge.json), checked. */
export function builtinJudgeWeights(): PairJudgeWeights {
  return checkJudgeWeights(shipped);
}

/**
 * The built-in judge over the GloVe vectors (and, for weights that use token alignment, the
 * built-in model's token states), loaded (GloVe converted once into the data folder) when it
 * judges its first pair; that call throws GloveUnavailableError when they cannot be had.
 */
export function loadBuiltinPairJudge(options: LoadGloveOptions = {}): PairJudge {
  return pairJudgeFrom(
    builtinJudgeWeights(),
    () => loadGloveVectors(options),
    'built-in pair judge',
    () => loadUseLiteBiEncoder({ maxLength: 128 }),
  );
}
