/**
 * The built-in pair judge as a user meets it (issue 11): a folder scanned through the engine API
 * at default settings (built-in model, no cross-encoder, so the judge decides pairs below the
 * semantic threshold). A reworded sentence is grouped for review, never pre-ticked, with the
 * judge's verdict as its evidence; a sentence that keeps the words but changes the facts (a hard
 * negative) is not grouped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { builtinJudgeWeights } from '../../../src/engine/dedup/builtinPairJudge';
import { DEFAULT_THRESHOLDS } from '../../../src/engine/dedup/thresholds';
import { linkGloveInto, sharedGloveDir } from '../../helpers/gloveDir';

const glove = sharedGloveDir();
if (!glove.dir) console.warn(`skipping the pair judge scan test: ${glove.reason}`);

// A reworded sentence (same facts) and a hard negative (the same frame, other facts), written for this test.
const PARA_A = 'The city council voted on Tuesday to raise parking fees in the old town by a third.';
const PARA_B = 'On Tuesday the city council approved a one-third increase in parking charges for the old town.';
const NEG_A = 'The singer cancelled the rest of her tour because of a throat infection, her manager said.';
const NEG_B = 'The singer added ten more dates to her tour because of strong ticket sales, her manager said.';

const FILES: Record<string, string> = {
  'council.txt': PARA_A,
  'council-reworded.txt': PARA_B,
  'tour.txt': NEG_A,
  'tour-changed.txt': NEG_B,
  'weather.txt': 'Heavy rain flooded the valley roads and closed three schools for the week.',
};

describe.skipIf(!glove.dir)('the built-in pair judge in a scan', () => {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-judge-scan-')));
  const docs = path.join(base, 'docs');
  let engine: Engine;
  beforeAll(async () => {
    fs.mkdirSync(docs);
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(docs, name), `${text}\n`);
    linkGloveInto(path.join(base, 'data'), glove.dir!);
    engine = await Engine.open({ dataDir: path.join(base, 'data'), transport: 'direct', allowedRoots: [docs] });
  });
  afterAll(async () => {
    await engine?.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('groups a reworded sentence for review (not pre-ticked) and leaves a hard negative alone', async () => {
    const { jobId } = await engine.invoke('dedup.scan', { roots: [docs] });
    const job = await engine.jobs.wait(jobId);
    expect(job?.status).toBe('done');
    const { scanId } = job!.result as { scanId: number };
    const report = await engine.invoke('dedup.report', { scanId });
    const names = (c: (typeof report.clusters)[number]) => c.members.map((m) => path.basename(m.path)).sort();
    const council = report.clusters.find((c) => names(c).includes('council.txt'));
    expect(council && names(council)).toEqual(['council-reworded.txt', 'council.txt']);
    expect(council!.layer).toBe('cross');
    expect(council!.confidence).toBe('review');
    const other = council!.members.find((m) => !m.keep)!;
    expect(other.preselect).toBe(false);
    // Below the semantic threshold: the judge's verdict grouped it.
    expect(other.evidence?.cosine).toBeLessThan(DEFAULT_THRESHOLDS.semantic);
    expect(other.evidence?.judge).toBeGreaterThanOrEqual(builtinJudgeWeights().accept);
    // The hard negative (same words, other facts) is not grouped, nor is the unrelated file.
    expect(report.clusters.filter((c) => names(c).some((n) => n.startsWith('tour') || n === 'weather.txt'))).toEqual([]);
  }, 300_000);
});
