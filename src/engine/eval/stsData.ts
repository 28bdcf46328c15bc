import fs from 'node:fs';
import path from 'node:path';
import { readPairsTsv } from '../text';

/** The evaluation sets of ../shared/data, by the name benchmarks and `tenc eval` use. */
export const STS_DATASETS = ['sts12', 'sts13', 'sts14', 'sts15', 'sts16', 'stsb-train', 'stsb-dev', 'sickr-train', 'sickr-trial'] as const;
export const STS_EVAL_DATASETS = ['sts12', 'sts13', 'sts14', 'sts15', 'sts16', 'stsb-dev', 'sickr-trial'] as const;

export interface ScoredPairs {
  name: string;
  a: string[];
  b: string[];
  gold: number[];
  subsets: string[];
}

/** Where the shared evaluation data is looked for: $TENC_SHARED_DATA when set (only there), else ../shared/data next to the checkout. */
function sharedDataCandidates(): string[] {
  const fromEnv = process.env.TENC_SHARED_DATA;
  return fromEnv ? [fromEnv] : [path.resolve(import.meta.dirname, '../../../../shared/data')];
}

/** The shared evaluation data folder, or null when it is not there. */
export function findSharedDataDir(): string | null {
  return sharedDataCandidates().find((c) => fs.existsSync(path.join(c, 'sts'))) ?? null;
}

/** ../shared/data next to the checkout, or $TENC_SHARED_DATA; throws saying where it looked when absent. */
export function sharedDataDir(): string {
  const found = findSharedDataDir();
  if (found) return found;
  throw new Error(`the shared evaluation data was not found (looked in ${sharedDataCandidates().join(', ')}); set TENC_SHARED_DATA`);
}

export function datasetPath(name: string): string {
  const dir = sharedDataDir();
  const file = name.startsWith('mrpc') ? path.join(dir, 'para', `${name}.tsv`) : path.join(dir, 'sts', `${name}.tsv`);
  if (!fs.existsSync(file)) throw new Error(`no dataset named ${name} (${file} does not exist)`);
  return file;
}

export async function loadScoredPairs(fileOrName: string): Promise<ScoredPairs> {
  const file = fs.existsSync(fileOrName) ? fileOrName : datasetPath(fileOrName);
  const rows = await readPairsTsv(file);
  const scored = rows.filter((r) => r.score !== null);
  if (scored.length === 0) throw new Error(`${file} has no scored pairs (a "score" column is needed to evaluate)`);
  return {
    name: path.basename(file, '.tsv'),
    a: scored.map((r) => r.a),
    b: scored.map((r) => r.b),
    gold: scored.map((r) => r.score!),
    subsets: scored.map((r) => r.subset ?? ''),
  };
}
