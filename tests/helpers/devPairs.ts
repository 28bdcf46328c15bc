/**
 * A pairs file as a user hands it to `train.start`: `count` rows of STS-B dev from row `from`, in
 * the STS TSV layout (score, sentence1, sentence2, subset). Returns the file's path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadScoredPairs } from '../../src/engine/eval/stsData';

export async function writeDevPairsFile(file: string, from: number, count: number): Promise<string> {
  const dev = await loadScoredPairs('stsb-dev');
  const rows = dev.a.slice(from, from + count).map((a, i) => `${dev.gold[from + i]}\t${a}\t${dev.b[from + i]}\tx`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, ['score\tsentence1\tsentence2\tsubset', ...rows].join('\n') + '\n');
  return file;
}
