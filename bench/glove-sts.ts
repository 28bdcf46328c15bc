/**
 * GloVe SIF (and a saved GloVe model, with --model DIR) on the seven STS evaluation sets:
 * Spearman x100 of the cosine, with the first component estimated on each set's own texts
 * (the SIF paper's way) and with the text-free reference component the app uses.
 *   npx tsx bench/glove-sts.ts [--data-dir DIR] [--model DIR]
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, STS_EVAL_DATASETS } from '../src/engine/eval/stsData';
import { loadGlove } from '../src/engine/models/glove';
import { loadModel } from '../src/engine/models/modelFiles';
import type { BiEncoder } from '../src/engine/models/encoder';
import { biScores } from '../src/engine/train/scoring';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, model: { type: 'string' } } });
const dataDir = values['data-dir'] ?? path.join(os.tmpdir(), 'tenc-glove-bench');
process.env.TENC_GLOVE_DIR ??= path.join(dataDir, 'models', 'glove-6b-100d');
const sif = loadGlove({ dataDir });
let model: BiEncoder | null = null;
if (values.model) {
  await initBackend('auto');
  const loaded = await loadModel(values.model);
  if (loaded.model.kind !== 'bi-encoder') throw new Error(`${values.model} is not a bi-encoder`);
  model = loaded.model;
}

const cosines = (va: Float32Array[], vb: Float32Array[]) =>
  va.map((u, i) => {
    let dot = 0;
    for (let d = 0; d < u.length; d++) dot += u[d]! * vb[i]![d]!;
    return dot;
  });

const cols = ['SIF, component of the set', 'SIF, reference component', ...(model ? ['model'] : [])];
console.log(`| dataset | pairs | ${cols.join(' | ')} |`);
console.log(`|---|---|${cols.map(() => '---').join('|')}|`);
const sums = cols.map(() => 0);
for (const name of STS_EVAL_DATASETS) {
  const data = await loadScoredPairs(name);
  const n = data.a.length;
  const own = sif.embed([...data.a, ...data.b], { component: 'texts' });
  const ref = sif.embed([...data.a, ...data.b], { component: 'reference' });
  const row = [spearman(cosines(own.slice(0, n), own.slice(n)), data.gold), spearman(cosines(ref.slice(0, n), ref.slice(n)), data.gold)];
  if (model) row.push(spearman(await biScores(model, data), data.gold));
  row.forEach((r, i) => (sums[i]! += 100 * r));
  console.log(`| ${name} | ${n} | ${row.map((r) => (100 * r).toFixed(2)).join(' | ')} |`);
}
console.log(`| **average** | | ${sums.map((s) => (s / STS_EVAL_DATASETS.length).toFixed(2)).join(' | ')} |`);
