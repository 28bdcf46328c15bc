import fs from 'node:fs';
import path from 'node:path';

/** stsb-dev.tsv of the shared evaluation data ($TENC_SHARED_DATA when set, else ../shared/data beside the checkout), or null. */
export function findStsbDev(): string | null {
  const root = path.resolve(import.meta.dirname, '../..');
  const dir = process.env.TENC_SHARED_DATA || path.resolve(root, '../shared/data');
  const file = path.join(dir, 'sts', 'stsb-dev.tsv');
  return fs.existsSync(file) ? file : null;
}

export const NO_SHARED_DATA = 'the shared evaluation data is absent (../shared/data; set TENC_SHARED_DATA to its folder)';

export function stsbDevFile(): string {
  const file = findStsbDev();
  if (!file) throw new Error(`stsb-dev.tsv not found: ${NO_SHARED_DATA}`);
  return file;
}

export interface TrainingFolder {
  /** Small text files, one sentence a line. */
  textFiles: string[];
  /** A pairs TSV with the data's header (score, sentence1, sentence2, subset). */
  pairsFile: string;
  pairs: { a: string; b: string }[];
}

/**
 * Fills `dir` with a few small text files made of the sentences of the first `rows` pairs of
 * stsb-dev and a pairs TSV of the same rows: enough for a tiny training run from either.
 */
export function writeTrainingFolder(dir: string, rows = 27): TrainingFolder {
  const lines = fs
    .readFileSync(stsbDevFile(), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const header = lines[0]!;
  const body = lines.slice(1, 1 + rows);
  const pairs = body.map((l) => {
    const [, a, b] = l.split('\t');
    return { a: a!, b: b! };
  });
  const textFiles: string[] = [];
  const perFile = Math.ceil(pairs.length / 3);
  for (let f = 0; f < 3; f++) {
    const chunk = pairs.slice(f * perFile, (f + 1) * perFile);
    const file = path.join(dir, 'texts', `part-${f + 1}.txt`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, chunk.flatMap((p) => [p.a, p.b]).join('\n') + '\n');
    textFiles.push(file);
  }
  const pairsFile = path.join(dir, 'pairs', 'stsb-sample.tsv');
  fs.mkdirSync(path.dirname(pairsFile), { recursive: true });
  fs.writeFileSync(pairsFile, [header, ...body].join('\n') + '\n');
  return { textFiles, pairsFile, pairs };
}
