/**
 * Which pairs a run trains on, as one set of rules: the training worker applies them to the
 * real pairs and the estimator counts with them before a run starts, so the two cannot drift.
 */
import type { TrainingSource } from './protocol';
import type { TransEncoderSettings } from './settings';

/** Usable pairs of a pairs source: both sides non-blank, each (a, b) once, in file order. */
export function usablePairs(source: { a: readonly string[]; b: readonly string[] }): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  source.a.forEach((a, i) => {
    const b = source.b[i] ?? '';
    const key = `${a}\u0000${b}`;
    if (a.trim() && b.trim() && !seen.has(key)) {
      seen.add(key);
      out.push([a, b]);
    }
  });
  return out;
}

/** Sentences of a corpus source that mining embeds: non-blank, each once. */
export function usableTexts(source: TrainingSource): string[] {
  return source.kind === 'texts' ? [...new Set(source.texts.filter((t) => t.trim()))] : [];
}

/** Candidate pairs mined at most: enough for maxPairs training pairs once the held-out share is taken. */
export function miningCap(s: TransEncoderSettings): number {
  return Math.ceil(s.maxPairs / (1 - s.heldOutFraction));
}

/**
 * Held-out pairs out of `candidates`: the configured share, but at least a handful (agreement is
 * a rank correlation and means nothing on two pairs) and at most 1000.
 */
export function heldOutCount(candidates: number, s: TransEncoderSettings): number {
  return Math.min(1000, Math.max(Math.min(10, Math.floor(candidates / 4)), Math.round(candidates * s.heldOutFraction), 1));
}

/** Held-out and training pair counts out of `candidates` (the first heldOut shuffled pairs are held out). */
export function splitPairs(candidates: number, s: TransEncoderSettings): { train: number; heldOut: number } {
  if (candidates < 2) return { train: 0, heldOut: 0 };
  const heldOut = heldOutCount(candidates, s);
  return { heldOut, train: Math.max(0, Math.min(s.maxPairs, candidates - heldOut)) };
}
