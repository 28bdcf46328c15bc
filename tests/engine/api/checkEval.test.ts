import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithData, sharedData } from '../../helpers/sharedData';
import { Engine } from '../../../src/engine/api/engine';

let engine: Engine;
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-check-')));
const pairsDir = path.join(dir, 'pairs');

beforeAll(async () => {
  fs.mkdirSync(pairsDir);
  if (sharedData) {
    const lines = fs.readFileSync(path.join(sharedData, 'sts', 'stsb-dev.tsv'), 'utf8').split('\n');
    fs.writeFileSync(path.join(pairsDir, 'dev-200.tsv'), lines.slice(0, 201).join('\n') + '\n');
  }
  fs.writeFileSync(path.join(pairsDir, 'broken.tsv'), 'score\tsentence1\n1\tonly one column\n');
  engine = await Engine.open({ dataDir: path.join(dir, 'data'), transport: 'direct', allowedRoots: [pairsDir] });
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('check.pair with the built-in model', () => {
  it('scores a paraphrase above an unrelated pair and gives a verdict by its threshold', async () => {
    const same = await engine.invoke('check.pair', { a: 'A man is playing a guitar.', b: 'A man plays the guitar.' });
    const other = await engine.invoke('check.pair', { a: 'A man is playing a guitar.', b: 'The stock market fell sharply today.' });
    expect(same.biScore).toBeGreaterThan(other.biScore + 0.3);
    expect(same.basis).toBe('bi');
    expect(same.crossScore).toBeNull();
    for (const r of [same, other]) expect(r.verdict).toBe(r.biScore >= r.threshold ? 'paraphrase' : 'not a paraphrase');
    const custom = await engine.invoke('check.pair', { a: 'A man is playing a guitar.', b: 'A man plays the guitar.', threshold: 0.99 });
    expect(custom.verdict).toBe('not a paraphrase');
  });

  it('gives defined output for empty, very long and malformed text', async () => {
    const empty = await engine.invoke('check.pair', { a: '', b: '' });
    expect(Number.isFinite(empty.biScore)).toBe(true);
    const long = await engine.invoke('check.pair', { a: 'word '.repeat(20_000), b: 'word' });
    expect(long.truncated).toBe(true);
    const odd = await engine.invoke('check.pair', { a: 'bad \ud800 surrogate \u0000\u0007', b: 'bad surrogate' });
    expect(Number.isFinite(odd.biScore)).toBe(true);
  });

  it('refuses unknown models clearly', async () => {
    await expect(engine.call('check.pair', { a: 'x', b: 'y', biModelId: 999 })).rejects.toThrow(/no model with id 999/);
  });
});

describeWithData('eval.run', () => {
  it('evaluates the built-in model on scored pairs and stores the result with the model', async () => {
    const { jobId } = await engine.invoke('eval.run', { file: path.join(pairsDir, 'dev-200.tsv') });
    const job = await engine.jobs.wait(jobId);
    expect(job?.status).toBe('done');
    const r = job!.result as { n: number; spearman: number; pearson: number; rocAuc: number | null; modelId: number };
    expect(r.n).toBe(200);
    expect(r.spearman).toBeGreaterThan(0.6);
    expect(r.rocAuc).toBeNull();
    const stored = await engine.store.evaluations.listForModel(r.modelId);
    expect(stored.find((e) => e.metric === 'spearman')?.value).toBeCloseTo(r.spearman, 10);
  });

  it('reports unreadable files and paths outside the chosen folders', async () => {
    await expect(engine.call('eval.run', { file: path.join(pairsDir, 'broken.tsv') })).rejects.toThrow(/Cannot read scored pairs/);
    await expect(engine.call('eval.run', { file: '/etc/passwd' })).rejects.toThrow(/outside the folders/);
  });
});
