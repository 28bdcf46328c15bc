/**
 * Chooses the approximate-nearest-neighbour library of the semantic dedup layer, and checks
 * the speed of the MinHash code of the near-duplicate layer.
 *
 *   npx tsx bench/dedup-ann-libraries.ts [--sizes 20000,50000] [--dim 512] [--queries 1000]
 *       [--data random,clustered] [--modules-dir DIR] [--pure-js-max 5000] [--exact-n 2000,3000,5000]
 *       [--threads N] [--ef-construction 64] [--no-ann] [--no-minhash]
 *
 * For every library that loads it reports build time, single-query and batch query throughput,
 * and recall@10 against exact search (blocked dot products, exactSearch.ts) over the first
 * `queries` vectors. Libraries that are not dependencies of the app are loaded from
 * `--modules-dir` (a folder with their own node_modules), so they can be measured without
 * being installed here. Data: `random` (uniform on the sphere, the hardest case for graph
 * indexes: no structure) and `clustered` (points around 1000 centres, closer to real
 * embeddings, where near-duplicates are tight groups).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { exactKnn, exactThresholdPairs } from '../src/engine/dedup/exactSearch';
import { MinHasher } from '../src/engine/dedup/minhash';
import type { VectorMatrix } from '../src/engine/dedup/vectors';
import { seededRandom } from '../src/engine/random';
import { benchArgs, listArg, numberArg, numberListArg } from './lib/args';

interface Args {
  sizes: number[];
  dim: number;
  queries: number;
  k: number;
  data: string[];
  modulesDir: string | null;
  pureJsMax: number;
  exactN: number[];
  threads: number;
  efConstruction: number;
  ann: boolean;
  minhash: boolean;
}

function parseArgs(argv: string[]): Args {
  const { values } = benchArgs(
    {
      sizes: { type: 'string', default: '20000,50000' },
      dim: { type: 'string', default: '512' },
      queries: { type: 'string', default: '1000' },
      k: { type: 'string', default: '10' },
      data: { type: 'string', default: 'random,clustered' },
      'modules-dir': { type: 'string' },
      'pure-js-max': { type: 'string', default: '5000' },
      'exact-n': { type: 'string', default: '2000,3000,5000' },
      threads: { type: 'string', default: String(os.availableParallelism()) },
      'ef-construction': { type: 'string', default: '64' },
      'no-ann': { type: 'boolean', default: false },
      'no-minhash': { type: 'boolean', default: false },
    },
    argv,
  );
  return {
    sizes: numberListArg(values.sizes, 'sizes', [20000, 50000]),
    dim: numberArg(values.dim, 'dim', 512),
    queries: numberArg(values.queries, 'queries', 1000),
    k: numberArg(values.k, 'k', 10),
    data: listArg(values.data, ['random', 'clustered']),
    modulesDir: values['modules-dir'] !== undefined ? path.resolve(values['modules-dir']) : null,
    pureJsMax: numberArg(values['pure-js-max'], 'pure-js-max', 5000),
    exactN: numberListArg(values['exact-n'], 'exact-n', [2000, 3000, 5000]),
    threads: numberArg(values.threads, 'threads', os.availableParallelism()),
    efConstruction: numberArg(values['ef-construction'], 'ef-construction', 64),
    ann: !values['no-ann'],
    minhash: !values['no-minhash'],
  };
}

/** Loads a CommonJS package from the app's node_modules, else from --modules-dir; null when neither has it. */
function loadPackage(name: string, modulesDir: string | null): { mod: any; from: string } | null {
  const places = [import.meta.dirname, ...(modulesDir ? [modulesDir] : [])];
  for (const dir of places) {
    try {
      const mod = createRequire(path.join(dir, 'noop.js'))(name);
      return { mod, from: dir === import.meta.dirname ? 'app' : dir };
    } catch {
      /* try the next place */
    }
  }
  return null;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function normalizeRows(m: VectorMatrix): void {
  for (let i = 0; i < m.count; i++) {
    let s = 0;
    for (let d = 0; d < m.dim; d++) s += m.data[i * m.dim + d] ** 2;
    const inv = 1 / Math.sqrt(s || 1);
    for (let d = 0; d < m.dim; d++) m.data[i * m.dim + d] *= inv;
  }
}

function makeData(kind: string, n: number, dim: number, seed: number): VectorMatrix {
  const rand = seededRandom(seed);
  const data = new Float32Array(n * dim);
  if (kind === 'random') {
    for (let i = 0; i < data.length; i++) data[i] = gaussian(rand);
  } else {
    const centres = 1000;
    const c = new Float32Array(centres * dim);
    for (let i = 0; i < c.length; i++) c[i] = gaussian(rand);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rand() * centres);
      for (let d = 0; d < dim; d++) data[i * dim + d] = c[k * dim + d] + 0.5 * gaussian(rand);
    }
  }
  const m = { data, dim, count: n };
  normalizeRows(m);
  return m;
}

interface AnnAdapter {
  name: string;
  build(m: VectorMatrix): void | Promise<void>;
  /** One query at a time. */
  search(q: Float32Array, k: number): number[];
  /** Many queries at once where the library can (else the single-query loop). */
  searchBatch?(qs: Float32Array, count: number, k: number): number[][];
}

function usearchAdapter(lib: any, threads: number, efC: number): AnnAdapter {
  let index: any;
  return {
    name: `usearch (M=16, efC=${efC}, ef=64, ${threads} thread${threads > 1 ? 's' : ''})`,
    build(m) {
      index = new lib.Index({ dimensions: m.dim, metric: 'ip', quantization: 'f32', connectivity: 16, expansion_add: efC, expansion_search: 64 });
      const keys = new BigUint64Array(m.count);
      for (let i = 0; i < m.count; i++) keys[i] = BigInt(i);
      index.add(keys, m.data, threads);
    },
    search(q, k) {
      return Array.from(index.search(q, k, 1).keys as BigUint64Array, Number);
    },
    searchBatch(qs, count, k) {
      const r = index.search(qs, k, threads);
      const out: number[][] = [];
      for (let i = 0; i < count; i++) out.push(Array.from(r.keys.subarray(i * k, i * k + Number(r.counts[i])) as BigUint64Array, Number));
      return out;
    },
  };
}

function hnswlibNodeAdapter(lib: any, efC: number): AnnAdapter {
  let index: any;
  return {
    name: `hnswlib-node (M=16, efC=${efC}, ef=64, 1 thread)`,
    build(m) {
      index = new lib.HierarchicalNSW('ip', m.dim);
      index.initIndex({ maxElements: m.count, m: 16, efConstruction: efC, randomSeed: 100 });
      // hnswlib-node takes number[] only: the conversion is part of its real cost.
      for (let i = 0; i < m.count; i++) index.addPoint(Array.from(m.data.subarray(i * m.dim, (i + 1) * m.dim)), i);
      index.setEf(64);
    },
    search(q, k) {
      return index.searchKnn(Array.from(q), k).neighbors;
    },
  };
}

function pureJsHnswAdapter(lib: any, efC: number): AnnAdapter {
  let index: any;
  return {
    name: `hnsw (pure TypeScript, M=16, efC=${efC}, ef=64)`,
    async build(m) {
      index = new lib.HNSW(16, efC, m.dim, 'cosine', 64);
      const items = [];
      for (let i = 0; i < m.count; i++) items.push({ id: i, vector: m.data.subarray(i * m.dim, (i + 1) * m.dim) });
      await index.buildIndex(items);
    },
    search(q, k) {
      return index.searchKNN(q, k).map((r: { id: number }) => r.id);
    },
  };
}

function recallAt(found: number[][], truth: Int32Array, k: number, selfIds: number[]): number {
  let hit = 0;
  let total = 0;
  found.forEach((ids, qi) => {
    const t = new Set(Array.from(truth.subarray(qi * k, qi * k + k)));
    const mine = ids.filter((id) => id !== selfIds[qi]).slice(0, k);
    for (const id of mine) if (t.has(id)) hit++;
    total += k;
  });
  return hit / total;
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function benchAnn(args: Args): Promise<void> {
  const threads = args.threads;
  const usearch = loadPackage('usearch', args.modulesDir);
  const hnswlib = loadPackage('hnswlib-node', args.modulesDir);
  const pureJs = loadPackage('hnsw', args.modulesDir);
  console.log(
    `\n## ANN libraries (${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}, Node ${process.versions.node})\n`,
  );
  for (const [name, p] of [
    ['usearch', usearch],
    ['hnswlib-node', hnswlib],
    ['hnsw', pureJs],
  ] as const) {
    console.log(`- ${name}: ${p ? `loaded from ${p.from}` : 'not installed (skipped)'}`);
  }
  if (args.ann) await annTable(args, threads, usearch, hnswlib, pureJs);
  // Where the exact path stops paying: all pairs of n vectors vs index build + n batch queries.
  console.log('\n| crossover, clustered 384-d | exact all-pairs s | usearch build + n queries s |');
  console.log('|---|---|---|');
  for (const n of args.exactN) {
    const m = makeData('clustered', n, 384, 7);
    let t = performance.now();
    await exactThresholdPairs(m, { threshold: 0.9, k: 10 });
    const exactS = (performance.now() - t) / 1000;
    let annS = '';
    if (usearch) {
      const ad = usearchAdapter(usearch.mod, threads, args.efConstruction);
      t = performance.now();
      ad.build(m);
      ad.searchBatch!(m.data, n, 11);
      annS = fmt((performance.now() - t) / 1000, 2);
    }
    console.log(`| n=${n} | ${fmt(exactS, 2)} | ${annS} |`);
  }
}

type Loaded = { mod: any; from: string } | null;

async function annTable(args: Args, threads: number, usearch: Loaded, hnswlib: Loaded, pureJs: Loaded): Promise<void> {
  console.log('\n| data | n | library | build s | queries/s (1 at a time) | queries/s (batch) | recall@10 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const kind of args.data) {
    for (const n of args.sizes) {
      const m = makeData(kind, n, args.dim, 42);
      const q = Math.min(args.queries, n);
      const queries: VectorMatrix = { data: m.data.subarray(0, q * m.dim), dim: m.dim, count: q };
      const selfIds = Array.from({ length: q }, (_, i) => i);
      let t = performance.now();
      const truth = exactKnn(m, queries, args.k, { sameSet: true });
      const exactQps = q / ((performance.now() - t) / 1000);
      console.log(`| ${kind} | ${n} | exact JS (blocked dot products) | 0 | ${fmt(exactQps)} | | 1.000 |`);
      const adapters: AnnAdapter[] = [];
      if (usearch) adapters.push(usearchAdapter(usearch.mod, threads, args.efConstruction));
      if (hnswlib) adapters.push(hnswlibNodeAdapter(hnswlib.mod, args.efConstruction));
      if (pureJs && n <= args.pureJsMax) adapters.push(pureJsHnswAdapter(pureJs.mod, args.efConstruction));
      for (const ad of adapters) {
        t = performance.now();
        await ad.build(m);
        const buildS = (performance.now() - t) / 1000;
        t = performance.now();
        const found: number[][] = [];
        for (let i = 0; i < q; i++) found.push(ad.search(m.data.subarray(i * m.dim, (i + 1) * m.dim), args.k + 1));
        const singleQps = q / ((performance.now() - t) / 1000);
        let batchQps = '';
        if (ad.searchBatch) {
          t = performance.now();
          ad.searchBatch(queries.data, q, args.k + 1);
          batchQps = fmt(q / ((performance.now() - t) / 1000));
        }
        const recall = recallAt(found, truth.ids, args.k, selfIds);
        console.log(`| ${kind} | ${n} | ${ad.name} | ${fmt(buildS, 2)} | ${fmt(singleQps)} | ${batchQps} | ${recall.toFixed(3)} |`);
      }
    }
  }
}

function benchMinHash(args: Args): void {
  const rand = seededRandom(3);
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x${Math.floor(rand() * 1e6).toString(36)}`);
  const docs = Array.from({ length: 2000 }, () => Array.from({ length: 300 }, () => vocab[Math.floor(rand() * vocab.length)]).join(' '));
  const mb = docs.reduce((s, d) => s + d.length, 0) / 1e6;
  console.log('\n## MinHash (128 permutations, word 3-shingles, 2000 docs of 300 words)\n');
  console.log('| implementation | docs/s | MB/s |');
  console.log('|---|---|---|');
  const mh = new MinHasher({ numPerm: 128 });
  let t = performance.now();
  for (const d of docs) mh.signText(d);
  let s = (performance.now() - t) / 1000;
  console.log(`| src/engine/dedup/minhash.ts | ${fmt(docs.length / s, 0)} | ${fmt(mb / s, 2)} |`);
  const lib = loadPackage('minhash', args.modulesDir);
  if (lib) {
    t = performance.now();
    for (const d of docs) {
      const w = d.split(' ');
      const m = new lib.mod.Minhash({ numPerm: 128 });
      for (let i = 0; i + 2 < w.length; i++) m.update(`${w[i]} ${w[i + 1]} ${w[i + 2]}`);
    }
    s = (performance.now() - t) / 1000;
    console.log(`| npm minhash 0.0.9 (${lib.from}) | ${fmt(docs.length / s, 0)} | ${fmt(mb / s, 2)} |`);
  } else {
    console.log('| npm minhash | not installed (skipped) | |');
  }
}

const args = parseArgs(process.argv.slice(2));
await benchAnn(args);
if (args.minhash) benchMinHash(args);
