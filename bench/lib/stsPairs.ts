/**
 * The unlabelled STS training pairs the training benches draw: every distinct pair of the given
 * sets, shuffled by the run's seed, a held-out slice first (never trained on: the label-free
 * selection scores on it) and then at most maxPairs for training. One function, so a bench that
 * re-scores a saved run (interpolate-weights) sees exactly the run's held-out pairs.
 */
import type { ScoredPairs } from '../../src/engine/eval/stsData';
import { seededRandom, shuffleInPlace } from '../../src/engine/random';

export function distinctPairs(sets: readonly Pick<ScoredPairs, 'a' | 'b'>[]): [string, string][] {
  const seen = new Set<string>();
  const all: [string, string][] = [];
  for (const s of sets)
    for (let i = 0; i < s.a.length; i++) {
      const key = `${s.a[i]}\u0000${s.b[i]}`;
      if (!seen.has(key)) {
        seen.add(key);
        all.push([s.a[i]!, s.b[i]!]);
      }
    }
  return all;
}

export function benchPairSplit(
  sets: readonly Pick<ScoredPairs, 'a' | 'b'>[],
  settings: { seed: number; maxPairs: number; heldOutFraction: number },
): { all: [string, string][]; held: [string, string][]; chosen: [string, string][] } {
  const all = distinctPairs(sets);
  shuffleInPlace(all, seededRandom(settings.seed));
  const heldOutCount = Math.min(1000, Math.max(10, Math.round(settings.maxPairs * settings.heldOutFraction)));
  return { all, held: all.slice(0, heldOutCount), chosen: all.slice(heldOutCount, heldOutCount + settings.maxPairs) };
}
