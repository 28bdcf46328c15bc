/**
 * The model library and the evaluation side of the API: details with lineage, evaluations and
 * dependents; rename, delete, export (project format, ONNX) and import of a Hugging Face folder;
 * comparing models on the same pairs with known answers; pairs worth labelling; pairs files read
 * from their contents; the words that drive a check's score.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CompareResult, EvalResult, ModelDetails, SuggestedPair } from '../../shared/api';
import { modelsMethods } from '../../shared/modelsApi';
import type { Handlers } from './dispatch';
import type { Engine } from './engine';
import { ApiError } from './errors';
import { modelSummary, storedRunResult } from './storedShapes';
import { pairHighlights } from './checkHighlights';
import type { Model, TrainingRun } from '../store';
import { inspectModelFolder } from '../models/hf';
import { isGloveBase, readModelConfig, type BaseSpec } from '../models/modelFiles';
import { exportOnnx } from '../models/onnx/exportOnnx';
import { baseModelId } from '../train/trainingService';
import { corpusSentences } from '../train/trainingSources';
import { biScores, crossScores } from '../train/scoring';
import { evaluateScores } from '../eval/evaluatePairs';
import { spearman } from '../eval/metrics';
import { parsePairs } from '../text/pairsTsv';
import { seededRandom } from '../random';

type ModelsMethodName = keyof typeof modelsMethods;

const BUILTIN_PREFIX = 'builtin:';
const EXTERNAL_PREFIX = 'external:';
/** The dataset name evaluations on the user's own labelled pairs are stored under. */
export const LABELS_DATASET = 'labels';
const BOOTSTRAP_RESAMPLES = 500;
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt'];

/** Which runs name a model: as a base they started from, or as the model they chose or handed back. */
function runUses(run: TrainingRun, model: Model): boolean {
  const result = storedRunResult(run.checkpoint);
  if (result && (result.selected.biModelId === model.id || result.selected.crossModelId === model.id || result.handBack?.biModelId === model.id)) return true;
  if (model.kind !== 'base') return false;
  const bases = (run.settings as { bases?: BaseSpec[] } | null)?.bases ?? [];
  return bases.some((b) =>
    b.kind === 'builtin' ? model.relDir === `${BUILTIN_PREFIX}${b.name}` : model.relDir === `${EXTERNAL_PREFIX}${path.resolve(b.dir)}`,
  );
}

/** A folder name made from a model's name: letters, digits, spaces, dots and dashes. */
function folderName(name: string): string {
  const safe = name
    .replace(/[^\p{L}\p{N} ._-]+/gu, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.-]+/, '')
    .slice(0, 80);
  return safe || 'model';
}

/** `dir/name`, or `dir/name (2)`, ... : never an existing entry. */
function freshFolder(dir: string, name: string): string {
  let candidate = path.join(dir, name);
  for (let i = 2; fs.existsSync(candidate); i++) candidate = path.join(dir, `${name} (${i})`);
  return candidate;
}

function folderBytes(dir: string): { files: string[]; bytes: number } {
  const files: string[] = [];
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.push(path.relative(dir, full));
    bytes += fs.statSync(full).size;
  }
  return { files: files.sort(), bytes };
}

/** Spearman of the scores with the gold answers on one resample of the pairs. */
function resampledSpearman(scores: Float32Array, gold: Float64Array, idx: Uint32Array): number {
  const s = new Float64Array(idx.length);
  const g = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    s[i] = scores[idx[i]!]!;
    g[i] = gold[idx[i]!]!;
  }
  return spearman(s, g);
}

/**
 * The share of bootstrap resamples of the pairs in which the second model ranks them closer to
 * the gold answers than the first (Spearman; ties count half).
 */
export function pairedBootstrap(first: Float32Array, second: Float32Array, gold: Float64Array, resamples = BOOTSTRAP_RESAMPLES, seed = 13): number {
  const n = gold.length;
  const rand = seededRandom(seed);
  const idx = new Uint32Array(n);
  let wins = 0;
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    const a = resampledSpearman(first, gold, idx);
    const b = resampledSpearman(second, gold, idx);
    // A resample with constant gold answers has no Spearman: it counts as a tie.
    if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) wins += 0.5;
    else if (b > a) wins += 1;
  }
  return wins / resamples;
}

export function modelHandlers(engine: Engine): Pick<Handlers, ModelsMethodName> {
  const { store, jobs, policy, models, access, layout } = engine;

  /** A visible model by id, or the refusal the user can act on. */
  const visibleModel = async (modelId: number): Promise<Model> => {
    const row = await store.models.get(modelId);
    if (!row) throw new ApiError('not_found', `No model with id ${modelId}.`, { key: 'model-missing', params: { id: modelId } });
    if (!(await access.modelVisible(row))) await access.model(modelId);
    return row;
  };

  /** The model's own folder in the data folder, or null (built-in and imported models have none). */
  const ownFolder = (row: Model): string | null => {
    if (row.relDir.startsWith(BUILTIN_PREFIX) || row.relDir.startsWith(EXTERNAL_PREFIX)) return null;
    const dir = path.resolve(layout.root, row.relDir);
    const rel = path.relative(layout.root, dir);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? dir : null;
  };

  const isGlove = (row: Model): boolean => {
    if (row.kind === 'base') return isGloveBase(row.config as BaseSpec);
    const dir = ownFolder(row);
    try {
      return dir !== null && isGloveBase(readModelConfig(dir).base);
    } catch {
      return false;
    }
  };

  const dependents = async (row: Model): Promise<ModelDetails['dependents']> => {
    const children = await access.filter(await store.models.children(row.id), (m) => access.modelVisible(m));
    const runs = (await store.runs.list()).filter((r) => r.id === row.runId || runUses(r, row));
    return {
      children: children.map(modelSummary),
      runs: runs.map((r) => r.id).sort((x, y) => x - y),
      inUse: runs.some((r) => r.status === 'running'),
    };
  };

  /** The texts' scores under one model, as eval.run computes them. */
  const scoreWith = async (modelId: number | null, as: 'bi' | 'cross', pairs: { a: string[]; b: string[] }): Promise<Float32Array> =>
    as === 'bi' ? biScores(await models.bulkBi(modelId), pairs, { maxLength: 64 }) : crossScores(await models.bulkCross(modelId!), pairs, { maxLength: 64 });

  return {
    'models.details': async ({ modelId: requested }) => {
      // The built-in model's row is made on first use (as eval.run and training do).
      const modelId = requested ?? (await engine.builtinModelId());
      const row = await visibleModel(modelId);
      const builtin = row.relDir.startsWith(BUILTIN_PREFIX);
      const glove = isGlove(row);
      const own = ownFolder(row);
      return {
        model: modelSummary(row),
        lineage: (await store.models.lineage(modelId)).map(modelSummary),
        evaluations: (await store.evaluations.listForModel(modelId)).map(({ runId: _run, ...e }) => e),
        dependents: await dependents(row),
        builtin,
        canExport: { project: own !== null, onnx: !glove },
        location: own ?? (row.relDir.startsWith(EXTERNAL_PREFIX) ? row.relDir.slice(EXTERNAL_PREFIX.length) : null),
      };
    },

    'models.evaluations': async () => {
      const visible = new Set((await access.filter(await store.models.list(), (m) => access.modelVisible(m))).map((m) => m.id));
      return (await store.evaluations.listAll()).filter((e) => visible.has(e.modelId)).map(({ runId: _run, ...e }) => e);
    },

    'models.rename': async ({ modelId, name }) => {
      await visibleModel(modelId);
      await store.models.rename(modelId, name);
      return modelSummary((await store.models.get(modelId))!);
    },

    'models.remove': async ({ modelId }) => {
      const row = await visibleModel(modelId);
      if (row.relDir.startsWith(BUILTIN_PREFIX)) {
        throw new ApiError('conflict', `${row.name} is built into the app and cannot be deleted.`, { key: 'model-builtin', params: { name: row.name } });
      }
      const deps = await dependents(row);
      if (deps.inUse) {
        throw new ApiError('conflict', `${row.name} is used by a run that is training now; delete it when the run has ended or been paused.`, {
          key: 'model-in-use',
          params: { name: row.name },
        });
      }
      const own = ownFolder(row);
      const removed = await store.models.remove(modelId);
      models.forget(modelId);
      let filesRemoved = false;
      if (removed && own && fs.existsSync(own)) {
        fs.rmSync(own, { recursive: true, force: true });
        filesRemoved = true;
      }
      return { removed, filesRemoved };
    },

    'models.export': async ({ modelId, dir, format }) => {
      const row = modelId === null ? await store.models.get(await engine.builtinModelId()) : await visibleModel(modelId);
      if (!row) throw new ApiError('not_found', 'The built-in model is missing from the data folder.');
      const dest = policy.resolveAllowed(dir);
      if (!fs.existsSync(dest) || !fs.statSync(dest).isDirectory()) {
        throw new ApiError('bad_request', `Not a folder: ${dir}. Choose an existing folder to export into.`, {
          key: 'export-not-folder',
          params: { path: dir },
        });
      }
      const own = ownFolder(row);
      if (format === 'project') {
        if (!own) {
          throw new ApiError(
            'bad_request',
            `${row.name} is a base model: it has no trained weights to export in the project's format. Export it as ONNX, or export a model trained from it.`,
            { key: 'export-base-project', params: { name: row.name } },
          );
        }
        const target = freshFolder(dest, folderName(row.name));
        fs.cpSync(own, target, { recursive: true, filter: (src) => !/model\.onnx(\.json)?$/.test(src) });
        return { path: target, ...folderBytes(target) };
      }
      if (isGlove(row)) {
        throw new ApiError('bad_request', `${row.name} is built on GloVe word vectors, which have no ONNX graph. Export it in the project's format instead.`, {
          key: 'export-glove-onnx',
          params: { name: row.name },
        });
      }
      const model =
        row.kind === 'cross' ? await models.cross(row.id) : await models.bi(row.kind === 'base' && row.relDir === `${BUILTIN_PREFIX}use-lite` ? null : row.id);
      const target = freshFolder(dest, `${folderName(row.name)} onnx`);
      fs.mkdirSync(target);
      try {
        const info = await exportOnnx(model, path.join(target, 'model.onnx'));
        // The tokenizer goes with the graph where the model has one in files (Hugging Face bases).
        const tokenizerDir = own ? path.join(own, 'base') : row.relDir.startsWith(EXTERNAL_PREFIX) ? row.relDir.slice(EXTERNAL_PREFIX.length) : null;
        const copied: string[] = [];
        if (tokenizerDir && fs.existsSync(tokenizerDir)) {
          for (const f of TOKENIZER_FILES) {
            if (fs.existsSync(path.join(tokenizerDir, f))) {
              fs.copyFileSync(path.join(tokenizerDir, f), path.join(target, f));
              copied.push(f);
            }
          }
        }
        const about = {
          exportedBy: 'TransEncoder Studio',
          model: row.name,
          kind: row.kind === 'cross' ? 'cross-encoder' : 'bi-encoder',
          maxLength: model.maxLength,
          tokenizer: copied.length ? copied : 'built into the graph inputs: see the inputs below (USE lite takes SentencePiece ids)',
          onnx: info,
          exportedAt: new Date().toISOString(),
        };
        fs.writeFileSync(path.join(target, 'tenc-export.json'), JSON.stringify(about, null, 2) + '\n');
      } catch (err) {
        fs.rmSync(target, { recursive: true, force: true });
        throw new ApiError('internal', `The ONNX export of ${row.name} failed: ${(err as Error).message}`, {
          key: 'export-onnx-failed',
          params: { name: row.name },
        });
      }
      return { path: target, ...folderBytes(target) };
    },

    'models.import': async ({ dir, name }) => {
      const folder = policy.resolveAllowed(dir);
      if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
        throw new ApiError('bad_request', `Not a folder: ${dir}. Choose the folder that holds config.json and the model's weights.`, {
          key: 'import-not-folder',
          params: { path: dir },
        });
      }
      const inspection = await inspectModelFolder(folder);
      if (!inspection.ok) {
        const problems = inspection.problems.join('; ');
        throw new ApiError('bad_request', `The folder ${dir} is not a model the app can use: ${problems}`, {
          key: 'import-invalid',
          params: { path: dir, problems },
        });
      }
      const id = await baseModelId(store, { kind: 'hf', dir: folder });
      if (name) await store.models.rename(id, name);
      return modelSummary((await store.models.get(id))!);
    },

    'eval.compare': async ({ source, modelIds, as }) => {
      let data: { a: string[]; b: string[]; gold: Float64Array; name: string };
      if (source.kind === 'labels') {
        if (source.corpusId !== undefined) await access.corpus(source.corpusId);
        const labels = await store.labelledPairs.list(source.corpusId !== undefined ? { corpusId: source.corpusId } : {});
        if (labels.length < 3) {
          throw new ApiError('bad_request', `Only ${labels.length} labelled pair(s): label at least 3 (better 30 or more) to measure a model on them.`, {
            key: 'compare-few-labels',
            params: { n: labels.length },
          });
        }
        data = {
          a: labels.map((l) => l.textA),
          b: labels.map((l) => l.textB),
          // Yes/no labels and 0-5 ratings on one scale: 0 to 1.
          gold: Float64Array.from(labels, (l) => (l.scale === '0-5' ? l.label / 5 : l.label)),
          name: LABELS_DATASET,
        };
      } else {
        const parsed = parsePairs(source.content);
        const scored = parsed.pairs.filter((p) => p.score !== null);
        if (scored.length < 3) {
          throw new ApiError(
            'bad_request',
            `${source.name} has ${scored.length} pair(s) with a known answer; measuring needs a score or label column (for example: score, sentence1, sentence2) and at least 3 pairs.`,
            { key: 'compare-no-scores', params: { name: source.name, n: scored.length } },
          );
        }
        data = { a: scored.map((p) => p.a), b: scored.map((p) => p.b), gold: Float64Array.from(scored, (p) => p.score!), name: source.name };
      }
      for (const id of modelIds) {
        if (id === null) {
          if (as === 'cross')
            throw new ApiError('bad_request', 'The built-in model has no cross-encoder: choose trained cross-encoders.', { key: 'compare-kind' });
          continue;
        }
        const row = await visibleModel(id);
        const fits = as === 'cross' ? row.kind === 'cross' || (row.kind === 'base' && isGlove(row)) : row.kind !== 'cross';
        if (!fits) {
          throw new ApiError('bad_request', `${row.name} is not a ${as === 'cross' ? 'cross' : 'bi'}-encoder: compare models of the same kind.`, {
            key: 'compare-kind',
          });
        }
      }
      const job = jobs.start('compare', async (ctx): Promise<CompareResult> => {
        const n = data.a.length;
        const results: EvalResult[] = [];
        const allScores: Float32Array[] = [];
        for (const [i, id] of modelIds.entries()) {
          ctx.throwIfCancelled();
          ctx.progress({ stage: `scoring ${n} pairs with model ${i + 1} of ${modelIds.length}`, done: i * n, total: modelIds.length * n });
          const scores = await scoreWith(id, as, data);
          allScores.push(scores);
          const r = evaluateScores(scores, data.gold);
          const storedId = id ?? (await engine.builtinModelId());
          for (const [metric, value] of Object.entries({ spearman: r.spearman, pearson: r.pearson, roc_auc: r.rocAuc, best_f1: r.bestF1?.f1 ?? null })) {
            if (value !== null) await store.evaluations.add({ modelId: storedId, dataset: data.name, metric, value, n: r.n });
          }
          results.push({ dataset: data.name, modelId: storedId, as, ...r });
        }
        ctx.progress({ stage: 'comparing', done: modelIds.length * n });
        const secondBetter = allScores.length === 2 ? pairedBootstrap(allScores[0]!, allScores[1]!, data.gold) : null;
        const verdict = secondBetter === null ? null : secondBetter >= 0.95 ? 'second' : secondBetter <= 0.05 ? 'first' : 'unclear';
        return { dataset: data.name, source: source.kind === 'labels' ? 'labels' : 'file', as, n, results, secondBetter, verdict };
      });
      return { jobId: job.id };
    },

    'labels.suggest': async ({ corpusId, count, biModelId }) => {
      await access.corpus(corpusId);
      if (biModelId !== null) await visibleModel(biModelId);
      const sentences = await corpusSentences(store, corpusId, 300);
      if (sentences.length < 2) {
        throw new ApiError('bad_request', `The corpus has ${sentences.length} usable sentence(s); suggesting pairs needs at least 2.`, {
          key: 'suggest-few-sentences',
          params: { n: sentences.length },
        });
      }
      const labelled = new Set((await store.labelledPairs.list()).flatMap((l) => [`${l.textA}\t${l.textB}`, `${l.textB}\t${l.textA}`]));
      const bi = await models.bi(biModelId).catch((err: Error) => {
        throw new ApiError('not_found', err.message);
      });
      const vectors = await bi.embed(sentences);
      const cos = (i: number, j: number) => {
        let s = 0;
        const x = vectors[i]!;
        const y = vectors[j]!;
        for (let k = 0; k < x.length; k++) s += x[k]! * y[k]!;
        return s;
      };
      // Candidates: each sentence with its nearest other sentence (likely paraphrases), and random pairs (mostly unrelated).
      const seen = new Set<string>();
      const candidates: SuggestedPair[] = [];
      const add = (i: number, j: number) => {
        if (i === j) return;
        const key = i < j ? `${i}:${j}` : `${j}:${i}`;
        if (seen.has(key) || labelled.has(`${sentences[i]}\t${sentences[j]}`)) return;
        seen.add(key);
        candidates.push({ a: sentences[i]!, b: sentences[j]!, score: cos(i, j) });
      };
      for (let i = 0; i < sentences.length; i++) {
        let best = -1;
        let bestScore = -Infinity;
        for (let j = 0; j < sentences.length; j++) {
          if (j === i) continue;
          const s = cos(i, j);
          if (s > bestScore) [best, bestScore] = [j, s];
        }
        if (best >= 0) add(i, best);
      }
      const rand = seededRandom(corpusId * 7919 + labelled.size);
      for (let k = 0; k < sentences.length; k++) add(Math.floor(rand() * sentences.length), Math.floor(rand() * sentences.length));
      candidates.sort((x, y) => y.score - x.score);
      // Evenly spaced over the scores: near-copies, borderline pairs and unrelated ones.
      const want = Math.min(count, candidates.length);
      const picked: SuggestedPair[] = [];
      for (let q = 0; q < want; q++) picked.push(candidates[Math.round((q * (candidates.length - 1)) / Math.max(1, want - 1))]!);
      return [...new Map(picked.map((p) => [`${p.a}\t${p.b}`, p])).values()];
    },

    'pairs.parse': ({ content }) => {
      const parsed = parsePairs(content);
      return { pairs: parsed.pairs.map((p) => ({ a: p.a, b: p.b, score: p.score })), problems: parsed.problems, layout: parsed.layout };
    },

    'check.highlights': async ({ a, b, biModelId }) => {
      if (biModelId !== null) await visibleModel(biModelId);
      const bi = await models.bi(biModelId).catch((err: Error) => {
        throw new ApiError('not_found', err.message);
      });
      return pairHighlights(bi, a, b);
    },
  };
}
