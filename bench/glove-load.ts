/**
 * GloVe's compact file: converts the package JSON once (when the data folder has no conversion
 * yet, timing it), then measures in a fresh process how long loading takes and the memory it uses.
 *   npx tsx bench/glove-load.ts [--data-dir DIR]   (default: a folder under the OS temp dir)
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureGloveConverted, loadGlove, readGloveMeta, resolveGloveDir } from '../src/engine/models/glove';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, 'load-only': { type: 'boolean' } } });
const dataDir = values['data-dir'] ?? path.join(os.tmpdir(), 'tenc-glove-bench');

if (values['load-only']) {
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const sif = loadGlove({ dataDir, convert: false });
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const v = sif.embed(['A man is playing a guitar.', 'Someone plays the guitar.']);
  const embedMs = performance.now() - t1;
  let cos = 0;
  for (let d = 0; d < v[0]!.length; d++) cos += v[0]![d]! * v[1]![d]!;
  console.log(JSON.stringify({ loadMs, embedMs, rssBeforeMb: rss0 / 2 ** 20, rssAfterMb: process.memoryUsage().rss / 2 ** 20, words: sif.vectors.size, cos }));
} else {
  if (!readGloveMeta(resolveGloveDir({ dataDir }))) {
    const t0 = performance.now();
    let last = -1;
    ensureGloveConverted({
      dataDir,
      onProgress: (p) => {
        const pct = Math.floor((100 * p.bytesRead) / p.totalBytes);
        if (pct !== last) process.stderr.write(`\rconverting: ${pct}% (${p.words} words)`);
        last = pct;
      },
    });
    console.log(`\nconversion: ${((performance.now() - t0) / 1000).toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  }
  const tsx = path.resolve(import.meta.dirname, '../node_modules/.bin/tsx');
  console.log('| run | load (ms) | first embed (ms) | RSS before / after load (MB) |');
  console.log('|---|---|---|---|');
  for (let run = 1; run <= 3; run++) {
    const out = execFileSync(tsx, [import.meta.filename, '--load-only', '--data-dir', dataDir], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    console.log(`| ${run} | ${r.loadMs.toFixed(0)} | ${r.embedMs.toFixed(1)} | ${r.rssBeforeMb.toFixed(0)} / ${r.rssAfterMb.toFixed(0)} |`);
  }
}
