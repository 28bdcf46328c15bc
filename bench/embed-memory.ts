/**
 * Peak resident memory of bulk embedding through the app's path (ParallelOnnxBiEncoder, the
 * worker pool dedup and evaluation use), on passages cut from this machine's /usr/share/doc
 * texts and installed package docs (real prose nobody here wrote): RSS after opening the pool, then after each step of
 * --steps passages, all vectors kept (as a caller that holds them would). The growth per
 * passage extrapolates to larger counts (issue 14: 100,000 passages under 2 GB).
 *
 *   npx tsx bench/embed-memory.ts [--steps 2000,4000] [--max-length 128] [--batch 32]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../src/engine/backend';
import { ParallelOnnxBiEncoder } from '../src/engine/models/onnx';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { benchArgs, numberArg, numberListArg } from './lib/args';

const { values } = benchArgs({
  steps: { type: 'string', default: '2000,4000' },
  'max-length': { type: 'string', default: '128' },
  batch: { type: 'string', default: '32' },
});
const steps = numberListArg(values.steps, 'steps', [2000, 4000]);
const maxLength = numberArg(values['max-length'], 'max-length', 128, (n) => Number.isInteger(n) && n >= 1);
const batchSize = numberArg(values.batch, 'batch', 32, (n) => Number.isInteger(n) && n >= 1);
const MiB = 1024 * 1024;

/**
 * Paragraphs of 40+ characters: every text file under /usr/share/doc, then (this machine's holds
 * ~85,000, short of 100,000) the .md/.txt documentation of the installed npm packages.
 */
function passages(want: number): { texts: string[]; fromDoc: number } {
  const out: string[] = [];
  const walk = (dir: string, only?: RegExp) => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= want) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, only);
      else if (e.isFile() && (only ? only.test(e.name) : !/\.(gz|png|jpg|svg|pdf)$/i.test(e.name))) {
        let text = '';
        try {
          text = fs.readFileSync(p, 'utf8');
        } catch {
          continue;
        }
        for (const para of text.split(/\n\s*\n/)) {
          const t = para.replace(/\s+/g, ' ').trim();
          if (t.length >= 40 && !t.includes('\u0000')) out.push(t.slice(0, 1000));
          if (out.length >= want) return;
        }
      }
    }
  };
  walk('/usr/share/doc');
  const fromDoc = out.length;
  if (out.length < want) walk(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules'), /\.(md|markdown|txt)$/i);
  return { texts: out, fromDoc };
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const total = Math.max(...steps);
  const { texts, fromDoc } = passages(total);
  if (texts.length < total) throw new Error(`only ${texts.length} passages under /usr/share/doc and the packages' documentation`);
  const bi = loadUseLiteBiEncoder();
  const pool = await ParallelOnnxBiEncoder.fromModel(bi, { workers: 2 });
  bi.dispose();
  const rss = () => process.memoryUsage().rss / MiB;
  console.log(
    `${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )}; max length ${maxLength}, batch ${batchSize}; passages: ${Math.min(fromDoc, total)} from /usr/share/doc, ${Math.max(0, total - fromDoc)} from package docs`,
  );
  console.log('\n| passages embedded (vectors kept) | RSS MiB | peak RSS so far MiB | passages/s |');
  console.log('|---|---|---|---|');
  console.log(`| 0 (pool open) | ${rss().toFixed(0)} | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} | |`);
  const kept: Float32Array[] = [];
  let done = 0;
  for (const upTo of steps) {
    const t0 = performance.now();
    // Dedup embeds in calls of a few dozen texts; here 512 per call, vectors kept.
    for (let i = done; i < upTo; i += 512) kept.push(...(await pool.embed(texts.slice(i, Math.min(upTo, i + 512)), { maxLength, batchSize })));
    const s = (performance.now() - t0) / 1000;
    console.log(`| ${upTo} | ${rss().toFixed(0)} | ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} | ${((upTo - done) / s).toFixed(1)} |`);
    done = upTo;
  }
  await pool.dispose();
  console.log(
    `\nvectors kept: ${kept.length} x ${kept[0]?.length}; load after ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
