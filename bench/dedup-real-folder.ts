/**
 * The default dedup scan on a real folder nobody here wrote: this machine's licence texts
 * (/usr/share/common-licenses) and every package's copyright notice (/usr/share/doc/*\/copyright),
 * copied into a scratch folder. Reports groups per layer, how many files are pre-selected for
 * moving at the defaults, the exact layer against `fdupes -r` on the same folder, and checks that
 * every pre-selected file has an identical or near-identical twin (the kept file) left in place.
 * The scan runs as the app runs it with the built-in model: bi-encoder plus the built-in pair
 * judge for pairs below the semantic threshold (--no-judge: without it), and the cheap candidate
 * stage choosing what the bi-encoder reads (--no-candidates: every passage embedded).
 *   npx tsx bench/dedup-real-folder.ts [--dir .scratch/real-folder] [--no-semantic] [--reuse] [--judge WEIGHTS.json]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend';
import { loadScanReport } from '../src/engine/dedup/report';
import { runDedupScan } from '../src/engine/dedup/scan';
import { gloveCandidateStage } from '../src/engine/dedup/cheapVectors';
import { exactJaccard } from '../src/engine/dedup/minhash';
import { shingleHashes } from '../src/engine/dedup/shingles';
import { DEFAULT_NEAR_THRESHOLD } from '../src/engine/dedup/thresholds';
import { BUILTIN_BASE } from '../src/engine/models/modelFiles';
import { OnnxBiEncoder } from '../src/engine/models/onnx';
import { baseModelId } from '../src/engine/train/trainingService';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { createStore, openDatabase } from '../src/engine/store';
import { readDocument } from '../src/engine/text/readDocument';
import { contentHash } from '../src/engine/text/normalize';
import { judgeFromArg } from './lib/judgeArg';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '.scratch/real-folder' },
    'no-semantic': { type: 'boolean', default: false },
    'no-judge': { type: 'boolean', default: false },
    'no-candidates': { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    // Pair judge weights instead of the shipped ones (bench/lib/judgeArg.ts).
    judge: { type: 'string' },
  },
});
const work = path.resolve(values.dir!);
const root = path.join(work, 'corpus');
// --reuse: keep the folder and the store (embeddings cached by content): a rescan measures the grouping only.
if (!values.reuse) await fs.rm(work, { recursive: true, force: true });
await fs.mkdir(root, { recursive: true });
let copied = 0;
for (const name of await fs.readdir('/usr/share/common-licenses')) {
  const src = path.join('/usr/share/common-licenses', name);
  if ((await fs.lstat(src)).isFile()) {
    await fs.copyFile(src, path.join(root, `common-licenses--${name}`));
    copied++;
  }
}
for (const pkg of await fs.readdir('/usr/share/doc')) {
  const src = path.join('/usr/share/doc', pkg, 'copyright');
  try {
    if (!(await fs.stat(src)).isFile()) continue;
    await fs.copyFile(src, path.join(root, `${pkg}--copyright`));
    copied++;
  } catch {
    /* no copyright file */
  }
}
console.log(`${copied} files copied to ${root}`);

// fdupes: byte-identical sets.
const fd = execFileSync('fdupes', ['-r', root], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
const fdGroups = fd
  .split(/\n\n+/)
  .map((g) => g.split('\n').filter(Boolean))
  .filter((g) => g.length > 1);

let embed;
if (!values['no-semantic']) {
  await initBackend('auto');
  const bi = await OnnxBiEncoder.fromModel(loadUseLiteBiEncoder());
  embed = (texts: string[]) => bi.embed(texts, { maxLength: 128, batchSize: 32 });
}
const db = await openDatabase(path.join(work, 'store.sqlite'));
const store = createStore(db);
const t0 = Date.now();
const embedModelId = embed ? await baseModelId(store, BUILTIN_BASE) : null;
const judge = embed && !values['no-judge'] ? judgeFromArg(values.judge) : undefined;
const candidates = embed && !values['no-candidates'] ? gloveCandidateStage() : undefined;
const { scanId, stats } = await runDedupScan({ roots: [root], store, embed, judge, candidates, settings: { embedModelId } });
const seconds = (Date.now() - t0) / 1000;
const report = await loadScanReport(store, scanId);
const files = report.clusters.filter((c) => c.level === 'file');
const byLayer: Record<string, number> = {};
for (const c of files) byLayer[`${c.layer}/${c.confidence}`] = (byLayer[`${c.layer}/${c.confidence}`] ?? 0) + 1;
const preselected = files.flatMap((c) => c.members.filter((m) => m.preselect).map((m) => ({ m, keep: c.keepPath! })));
const largest = Math.max(0, ...files.map((c) => c.members.length));

// Every pre-selected file: an identical text (same content hash) or near-identical one (exact
// word 3-shingle Jaccard ≥ the near threshold, computed here from the files) is kept.
const textOf = async (p: string) => {
  const r = await readDocument(p);
  if (!r.ok) throw new Error(`${p}: ${r.reason}`);
  return r.text;
};
let identical = 0;
let near = 0;
const bad: string[] = [];
for (const { m, keep } of preselected) {
  const [a, b] = [await textOf(m.path), await textOf(keep)];
  if (contentHash(a) === contentHash(b)) identical++;
  else if (exactJaccard(shingleHashes(a, 3), shingleHashes(b, 3)) >= DEFAULT_NEAR_THRESHOLD - 0.05) near++;
  else bad.push(`${m.relPath} (kept ${path.basename(keep)})`);
}

// The exact layer against fdupes: each byte-identical set must lie within one of our exact sets.
// An identical set may also sit, as one member content, in a near group around another keeper.
const exactSets = files.map((c) => new Set(c.members.filter((m) => m.layer === 'exact' || m.keep).map((m) => m.path)));
const groupSets = files.map((c) => new Set(c.members.map((m) => m.path)));
const fdCovered = fdGroups.filter((g) => exactSets.some((s) => g.every((p) => s.has(p)))).length;
const fdInOneGroup = fdGroups.filter((g) => groupSets.some((s) => g.every((p) => s.has(p)))).length;
const ourExactPairs = files.reduce((s, c) => s + c.members.filter((m) => m.layer === 'exact' && !m.keep).length, 0);
const fdDupFiles = fdGroups.reduce((s, g) => s + g.length - 1, 0);

console.log(
  JSON.stringify(
    {
      files: stats.files,
      documents: stats.documents,
      seconds,
      groupsByLayerAndConfidence: byLayer,
      largestGroup: largest,
      duplicateFiles: stats.duplicateFiles,
      preselectedFiles: stats.preselectedFiles,
      passageClusters: stats.passageClusters,
      pairJudge: judge ? { judged: stats.crossScored, accepted: stats.crossAccepted } : null,
      candidateContents: stats.candidateContents ?? null,
      distinctContents: stats.distinctContents,
      embeddedPassages: stats.embedded,
      distinctPassages: stats.distinctPassages,
      semanticPairs: stats.semanticPairs,
      semanticRejectedCoverage: stats.semanticRejectedCoverage,
      semanticRejectedNumbers: stats.semanticRejectedNumbers,
      fdupes: { groups: fdGroups.length, duplicateFiles: fdDupFiles, setsInsideOneExactGroup: fdCovered, setsInsideOneGroup: fdInOneGroup },
      ours: { exactDuplicateFiles: ourExactPairs },
      preselectedCheck: { identical, near, withoutTwin: bad.length, examples: bad.slice(0, 5) },
    },
    null,
    2,
  ),
);
await db.close();
