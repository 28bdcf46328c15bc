/** `--judge FILE`: pair judge weights (a tenc-pair-judge JSON) instead of the shipped ones, to compare an accept or a refit. */
import { readFileSync } from 'node:fs';
import { loadBuiltinPairJudge, type PairJudge } from '../../src/engine/dedup';
import { pairJudgeFrom, type PairJudgeWeights } from '../../src/engine/dedup/pairJudge';
import { loadGloveVectors } from '../../src/engine/models/glove';

export function judgeFromArg(file: string | undefined): PairJudge {
  if (!file) return loadBuiltinPairJudge();
  return pairJudgeFrom(JSON.parse(readFileSync(file, 'utf8')) as PairJudgeWeights, () => loadGloveVectors(), `pair judge ${file}`);
}
