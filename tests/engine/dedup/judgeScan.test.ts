/**
 * The built-in pair judge as a user meets it (issue 11): a folder scanned through the engine API
 * (built-in model, no cross-encoder, so the judge decides pairs below the semantic threshold). A reworded sentence is grouped for review, never pre-ticked, with the
 * judge's verdict as its evidence; a sentence that keeps the words but changes the facts (a hard
 * negative) is not grouped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { builtinJudgeWeights } from '../../../src/engine/dedup/builtinPairJudge';
import { linkGloveInto, sharedGloveDir } from '../../helpers/gloveDir';

const SEMANTIC = 0.95;
const glove = sharedGloveDir();
if (!glove.dir) console.warn(`skipping the pair judge scan test: ${glove.reason}`);

// A reworded sentence (same facts) and a hard negative (the same frame, other facts), written for
// this test. Probed with the built-in model (bench/dedup-judge-probe.ts): the reworded pair has
// cosine 0.93 and judge 0.76, the hard negative cosine 0.82 and judge 0.57 (accept 0.655).
const PARA_A = 'The museum will stay closed until March while workers repair the roof damaged in the storm.';
const PARA_B = 'Workers are repairing the storm-damaged roof, so the museum will remain shut until March.';
const NEG_A = 'The city council voted on Tuesday to raise parking fees in the old town by a third.';
const NEG_B = 'The city council voted on Tuesday against a plan to cut bus fares in the old town by a third.';

const FILES: Record<string, string> = {
  'museum.txt': PARA_A,
  'museum-reworded.txt': PARA_B,
  'council.txt': NEG_A,
  'council-bus.txt': NEG_B,
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
    // Most reworded sentences reach the default semantic threshold (0.9) by cosine alone; a user who
    // asks for a stricter one (0.95, in Settings) leaves this pair to the judge.
    const { jobId } = await engine.invoke('dedup.scan', { roots: [docs], thresholds: { semantic: SEMANTIC } });
    const job = await engine.jobs.wait(jobId);
    expect(job?.status).toBe('done');
    const { scanId } = job!.result as { scanId: number };
    const report = await engine.invoke('dedup.report', { scanId });
    const names = (c: (typeof report.clusters)[number]) => c.members.map((m) => path.basename(m.path)).sort();
    const museum = report.clusters.find((c) => names(c).includes('museum.txt'));
    expect(museum && names(museum)).toEqual(['museum-reworded.txt', 'museum.txt']);
    expect(museum!.layer).toBe('cross');
    expect(museum!.confidence).toBe('review');
    const other = museum!.members.find((m) => !m.keep)!;
    expect(other.preselect).toBe(false);
    // Below the semantic threshold: the judge's verdict grouped it.
    expect(other.evidence?.cosine).toBeLessThan(SEMANTIC);
    expect(other.evidence?.judge).toBeGreaterThanOrEqual(builtinJudgeWeights().accept);
    // The hard negative (same words, other facts) is not grouped, nor is the unrelated file.
    expect(report.clusters.filter((c) => names(c).some((n) => n.startsWith('council') || n === 'weather.txt'))).toEqual([]);
  }, 300_000);
});
