/**
 * The model library through the API: import of a Hugging Face folder (and a malformed one refused
 * with a reason), lineage, rename, export in both formats, delete (never the built-in; a trained
 * model's folder goes with it), compare on the same pairs, pairs to label, pairs files read from
 * their contents, and the words that drive a check's score.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithData, sharedData } from '../../helpers/sharedData';
import { Engine } from '../../../src/engine/api/engine';
import { ApiError } from '../../../src/engine/api/errors';
import { pairedBootstrap } from '../../../src/engine/api/modelHandlers';
import { createBiEncoder, saveModel } from '../../../src/engine/models/modelFiles';
import type { CompareResult } from '../../../src/shared/api';

const FIX = path.resolve(import.meta.dirname, '../../fixtures/hf/bert-vocab');
const SAMPLE = path.resolve(import.meta.dirname, '../../../resources/sample-corpus');
let engine: Engine;
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-models-')));
const allowed = path.join(dir, 'allowed');
const dataDir = path.join(dir, 'data');

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  fs.mkdirSync(path.join(allowed, 'exports'), { recursive: true });
  fs.cpSync(FIX, path.join(allowed, 'tiny-bert'), { recursive: true });
  fs.mkdirSync(path.join(allowed, 'broken-model'));
  fs.writeFileSync(path.join(allowed, 'broken-model', 'config.json'), '{"model_type": "bert"');
  fs.cpSync(SAMPLE, path.join(allowed, 'corpus'), { recursive: true });
  engine = await Engine.open({ dataDir, transport: 'http', allowedRoots: [allowed] });
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('model library', () => {
  let baseId: number;
  let trainedId: number;

  it('imports a Hugging Face folder, and refuses a malformed one with what is wrong', async () => {
    const base = await engine.invoke('models.import', { dir: path.join(allowed, 'tiny-bert'), name: 'Tiny BERT' });
    expect(base).toMatchObject({ kind: 'base', name: 'Tiny BERT' });
    baseId = base.id;
    // Importing it again gives the same model, not a copy.
    expect((await engine.invoke('models.import', { dir: path.join(allowed, 'tiny-bert') })).id).toBe(baseId);

    const bad = await refusal(engine.invoke('models.import', { dir: path.join(allowed, 'broken-model') }));
    expect(bad.code).toBe('bad_request');
    expect(bad.reason?.key).toBe('import-invalid');
    expect(bad.message).toMatch(/config\.json/);
    const missing = await refusal(engine.invoke('models.import', { dir: path.join(allowed, 'nowhere') }));
    expect(missing.reason?.key).toBe('path-missing');
    fs.writeFileSync(path.join(allowed, 'a-file.txt'), 'text');
    expect((await refusal(engine.invoke('models.import', { dir: path.join(allowed, 'a-file.txt') }))).reason?.key).toBe('import-not-folder');
    const outside = await refusal(engine.invoke('models.import', { dir: os.tmpdir() }));
    expect(outside.code).toBe('forbidden_path');
    expect(outside.reason?.key).toBe('path-outside');
  });

  it('shows lineage and dependents, renames, and exports in both formats', async () => {
    // A trained model as a run saves it: its own folder in the data folder, with its base copied in.
    const rel = path.join('runs', 'manual', 'bi');
    const bi = await createBiEncoder({ kind: 'hf', dir: path.join(allowed, 'tiny-bert') });
    await saveModel(path.join(dataDir, rel), bi, { base: { kind: 'hf', dir: path.join(allowed, 'tiny-bert') } });
    bi.dispose();
    trainedId = (await engine.store.models.create({ name: 'my model', kind: 'bi', architecture: 'hf', relDir: rel, parentId: baseId })).id;

    const details = await engine.invoke('models.details', { modelId: trainedId });
    expect(details.lineage.map((m) => m.id)).toEqual([trainedId, baseId]);
    expect(details.canExport).toEqual({ project: true, onnx: true });
    expect(details.builtin).toBe(false);
    const baseDetails = await engine.invoke('models.details', { modelId: baseId });
    expect(baseDetails.dependents.children.map((m) => m.id)).toEqual([trainedId]);
    expect(baseDetails.canExport.project).toBe(false);

    expect((await engine.invoke('models.rename', { modelId: trainedId, name: '  contracts v1 ' })).name).toBe('contracts v1');
    expect((await engine.invoke('models.list', {})).find((m) => m.id === trainedId)?.name).toBe('contracts v1');

    const project = await engine.invoke('models.export', { modelId: trainedId, dir: path.join(allowed, 'exports'), format: 'project' });
    expect(path.basename(project.path)).toBe('contracts v1');
    expect(project.files).toEqual(expect.arrayContaining(['config.json', 'weights.safetensors', path.join('base', 'vocab.txt')]));
    expect(project.bytes).toBeGreaterThan(0);
    // A second export never overwrites the first.
    const again = await engine.invoke('models.export', { modelId: trainedId, dir: path.join(allowed, 'exports'), format: 'project' });
    expect(path.basename(again.path)).toBe('contracts v1 (2)');

    const onnx = await engine.invoke('models.export', { modelId: trainedId, dir: path.join(allowed, 'exports'), format: 'onnx' });
    expect(onnx.files).toEqual(expect.arrayContaining(['model.onnx', 'tenc-export.json', 'vocab.txt']));
    expect(fs.statSync(path.join(onnx.path, 'model.onnx')).size).toBeGreaterThan(1000);

    const baseProject = await refusal(engine.invoke('models.export', { modelId: baseId, dir: path.join(allowed, 'exports'), format: 'project' }));
    expect(baseProject.reason?.key).toBe('export-base-project');
    const notFolder = await refusal(engine.invoke('models.export', { modelId: trainedId, dir: path.join(allowed, 'nope'), format: 'onnx' }));
    expect(notFolder.reason?.key).toBe('path-missing');
    const intoFile = await refusal(engine.invoke('models.export', { modelId: trainedId, dir: path.join(allowed, 'tiny-bert', 'config.json'), format: 'onnx' }));
    expect(intoFile.reason?.key).toBe('export-not-folder');
  }, 120_000);

  it('never deletes the built-in model; deleting a trained model removes its folder, and its base then has no children', async () => {
    const builtinDetails = await engine.invoke('models.details', { modelId: null });
    expect(builtinDetails).toMatchObject({ builtin: true, canExport: { project: false, onnx: true }, location: null });
    const builtinId = await engine.builtinModelId();
    expect(builtinDetails.model.id).toBe(builtinId);
    const builtin = await refusal(engine.invoke('models.remove', { modelId: builtinId }));
    expect(builtin.code).toBe('conflict');
    expect(builtin.reason?.key).toBe('model-builtin');

    const folder = path.join(dataDir, 'runs', 'manual', 'bi');
    expect(fs.existsSync(folder)).toBe(true);
    expect(await engine.invoke('models.remove', { modelId: trainedId })).toEqual({ removed: true, filesRemoved: true });
    expect(fs.existsSync(folder)).toBe(false);
    expect((await refusal(engine.invoke('models.details', { modelId: trainedId }))).code).toBe('not_found');
    expect((await engine.invoke('models.details', { modelId: baseId })).dependents.children).toEqual([]);

    // An imported base is forgotten; the user's folder stays.
    expect((await engine.invoke('models.remove', { modelId: baseId })).filesRemoved).toBe(false);
    expect(fs.existsSync(path.join(allowed, 'tiny-bert', 'config.json'))).toBe(true);
  });
});

describe('pairs files, suggestions and highlights', () => {
  it('reads a pairs file from its contents, keeping good lines and naming bad ones', async () => {
    const parsed = await engine.invoke('pairs.parse', {
      content: 'score\tsentence1\tsentence2\n4.5\tA cat sits.\tA cat is sitting.\nnot-a-number\tx\ty\n0.5\tRain today.\tStocks fell.\n',
    });
    expect(parsed.pairs).toEqual([
      { a: 'A cat sits.', b: 'A cat is sitting.', score: 4.5 },
      { a: 'Rain today.', b: 'Stocks fell.', score: 0.5 },
    ]);
    expect(parsed.problems).toEqual([{ line: 3, reason: expect.stringMatching(/not a number/) }]);
  });

  it('suggests pairs to label spread over the scores, and leaves out pairs already labelled', async () => {
    const { jobId } = await engine.invoke('corpora.create', { name: 'sample', path: path.join(allowed, 'corpus') });
    const job = await engine.jobs.wait(jobId);
    expect(job?.status).toBe('done');
    const corpusId = (job!.result as { corpusId: number }).corpusId;
    const pairs = await engine.invoke('labels.suggest', { corpusId, count: 6 });
    expect(pairs.length).toBe(6);
    const scores = pairs.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(scores[0]! - scores.at(-1)!).toBeGreaterThan(0.3);
    await engine.invoke('labels.add', { a: pairs[0]!.a, b: pairs[0]!.b, label: 1, scale: 'binary', corpusId });
    const next = await engine.invoke('labels.suggest', { corpusId, count: 6 });
    expect(next.some((p) => (p.a === pairs[0]!.a && p.b === pairs[0]!.b) || (p.a === pairs[0]!.b && p.b === pairs[0]!.a))).toBe(false);
    const few = await refusal(engine.invoke('eval.compare', { source: { kind: 'labels', corpusId }, modelIds: [null] }));
    expect(few.reason).toEqual({ key: 'compare-few-labels', params: { n: 1 } });
  }, 120_000);

  it('shows the words that drive the score: a "not" only one text has pulls the texts apart', async () => {
    const h = await engine.invoke('check.highlights', {
      a: 'The contract must be approved by the board.',
      b: 'The contract must not be approved by the board.',
    });
    expect(h.method).toBe('occlusion');
    const not = h.b.find((w) => w.text === 'not')!;
    expect(not.shared).toBe(false);
    // Leaving "not" out makes the texts identical: the cosine rises to 1, so its effect is the score minus 1.
    expect(not.effect!).toBeCloseTo(h.biScore - 1, 4);
    expect(not.effect!).toBeLessThan(0);
    expect(h.a.find((w) => w.text === 'contract')!.shared).toBe(true);
    expect(h.a.map((w) => w.text)).toEqual(['The', 'contract', 'must', 'be', 'approved', 'by', 'the', 'board']);
    const zh = await engine.invoke('check.highlights', { a: '合同必须由董事会批准。', b: '合同不需要批准。' });
    expect(zh.a.length).toBeGreaterThan(2);
    expect(zh.a.find((w) => w.text === '合同')?.shared).toBe(true);
    const long = await engine.invoke('check.highlights', { a: 'word '.repeat(60), b: 'word' });
    expect(long.method).toBe('overlap');
    expect(long.a[0]!.effect).toBeNull();
  }, 60_000);
});

describe('paired bootstrap', () => {
  it('says which of two scorers ranks pairs closer to the answers, and 0.5 for equal ones', () => {
    const n = 200;
    const gold = Float64Array.from({ length: n }, (_, i) => i / n);
    const good = Float32Array.from(gold, (g, i) => g + 0.05 * Math.sin(i * 12.9898));
    const noisy = Float32Array.from(gold, (g, i) => g + 0.8 * Math.sin(i * 78.233));
    expect(pairedBootstrap(noisy, good, gold, 200)).toBeGreaterThan(0.95);
    expect(pairedBootstrap(good, noisy, gold, 200)).toBeLessThan(0.05);
    expect(pairedBootstrap(good, good, gold, 50)).toBe(0.5);
  });
});

describeWithData('eval.compare on STS-B dev pairs', () => {
  it('compares the built-in model with an untrained BERT on the same pairs and stores both evaluations', async () => {
    const lines = fs
      .readFileSync(path.join(sharedData!, 'sts', 'stsb-dev.tsv'), 'utf8')
      .split('\n')
      .slice(0, 121);
    const base = await engine.invoke('models.import', { dir: path.join(allowed, 'tiny-bert') });
    const { jobId } = await engine.invoke('eval.compare', {
      source: { kind: 'content', name: 'stsb-dev-120', content: lines.join('\n') },
      modelIds: [null, base.id],
    });
    const job = await engine.jobs.wait(jobId);
    expect(job?.status).toBe('done');
    const r = job!.result as CompareResult;
    expect(r.n).toBe(120);
    expect(r.results[0]!.spearman).toBeGreaterThan(0.6);
    // The tiny BERT has random weights: the built-in model is clearly better.
    expect(r.verdict).toBe('first');
    const history = await engine.invoke('models.evaluations', {});
    expect(history.filter((e) => e.dataset === 'stsb-dev-120' && e.metric === 'spearman').map((e) => e.modelId)).toEqual([
      await engine.builtinModelId(),
      base.id,
    ]);
    const wrong = await refusal(engine.invoke('eval.compare', { source: { kind: 'content', name: 'x', content: 'a\tb\nc\td\n' }, modelIds: [null] }));
    expect(wrong.reason?.key).toBe('compare-no-scores');
  }, 120_000);
});
