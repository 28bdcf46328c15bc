/**
 * Scores a few sentence pairs with the built-in model's cosine and two pair judges (the shipped
 * one and a weights file), to pick test pairs. Prints one line per pair.
 *   npx tsx bench/dedup-judge-probe.ts --judge FILE.json --pairs FILE.tsv   (a<TAB>b per line)
 */
import fs from 'node:fs/promises';
import { initBackend } from '../src/engine/backend';
import { loadBuiltinPairJudge } from '../src/engine/dedup/builtinPairJudge';
import { pairJudgeFrom, type PairJudgeWeights } from '../src/engine/dedup/pairJudge';
import { loadGloveVectors } from '../src/engine/models/glove';
import { OnnxBiEncoder } from '../src/engine/models/onnx';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { benchArgs } from './lib/args';

const { values } = benchArgs({ judge: { type: 'string' }, pairs: { type: 'string' } }, process.argv.slice(2));
if (!values.pairs) throw new Error('--pairs FILE.tsv is required');
const pairs = (await fs.readFile(values.pairs, 'utf8'))
  .split('\n')
  .filter((l) => l.includes('\t'))
  .map((l) => l.split('\t').slice(0, 2) as [string, string]);
await initBackend('auto');
const tf = loadUseLiteBiEncoder({ maxLength: 128 });
const bi = await OnnxBiEncoder.fromModel(tf);
const va = await bi.embed(
  pairs.map((p) => p[0]),
  { maxLength: 128 },
);
const vb = await bi.embed(
  pairs.map((p) => p[1]),
  { maxLength: 128 },
);
const cos = pairs.map((_, i) => {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < va[i].length; d++) {
    s += va[i][d] * vb[i][d];
    na += va[i][d] ** 2;
    nb += vb[i][d] ** 2;
  }
  return s / Math.sqrt(na * nb);
});
const shipped = loadBuiltinPairJudge();
const old = await shipped.judge(pairs, cos);
const other = values.judge
  ? pairJudgeFrom(
      JSON.parse(await fs.readFile(values.judge, 'utf8')) as PairJudgeWeights,
      () => loadGloveVectors(),
      'probe',
      () => tf,
    )
  : null;
const neu = other ? await other.judge(pairs, cos) : [];
pairs.forEach((p, i) =>
  console.log(
    `cos ${cos[i].toFixed(3)} shipped ${old[i].toFixed(3)} (accept ${shipped.accept})${other ? ` other ${neu[i].toFixed(3)} (accept ${other.accept})` : ''} | ${p[0]} | ${p[1]}`,
  ),
);
process.exit(0);
