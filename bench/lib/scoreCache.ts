/**
 * The per-set score cache that bench/teacher-eval.ts and bench/trans-encoder-sts.ts share
 * (bench/results/teacher-scores.json: set -> kind ("cos", "align", "sif") -> one score per pair).
 * Both benches may run at once, so a write never replaces the file with this process's view:
 * it re-reads the file, adds what this process computed (non-empty score lists only; an entry
 * already on disk is kept), and writes through a temporary file renamed into place, so a reader
 * never sees half a file and one bench's scores are never lost to the other's older copy.
 */
import fs from 'node:fs';
import path from 'node:path';

export type ScoreCache = Record<string, Record<string, number[]>>;

/** The cache on disk; empty when the file is absent. A damaged file is an error naming it. */
export function readScoreCache(file: string): ScoreCache {
  if (!fs.existsSync(file)) return {};
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ScoreCache;
  } catch (err) {
    throw new Error(`score cache ${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}); delete it to recompute`);
  }
}

/** Merge `mine` into the file's current content and write it atomically; returns what was written. */
export function writeScoreCache(file: string, mine: ScoreCache): ScoreCache {
  const merged = readScoreCache(file);
  for (const [set, kinds] of Object.entries(mine)) {
    for (const [kind, scores] of Object.entries(kinds)) {
      if (!Array.isArray(scores) || scores.length === 0) continue;
      const entry = (merged[set] ??= {});
      if (!entry[kind]?.length) entry[kind] = scores;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(merged));
  fs.renameSync(tmp, file);
  return merged;
}
