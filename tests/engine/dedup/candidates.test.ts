/**
 * The candidate stage (issue 11, speed): cheap document vectors choose which documents the
 * bi-encoder reads; the others are never embedded, and what the candidates hold is still found.
 */
import { expect, it } from 'vitest';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import { makeVocabulary, mulberry32, randomText, shuffleWords, tempDir, tempStore, toyEmbed, toyVector, writeFiles } from './helpers';

it('embeds only the documents whose cheap vectors have a close neighbour, and still finds their match', async () => {
  const rand = mulberry32(5);
  const vocab = makeVocabulary(400, 5);
  const root = await tempDir('tenc-dedup-candidates-');
  const original = randomText(vocab, 80, rand);
  const files: Record<string, string> = { 'report.txt': original, 'report-reworded.txt': shuffleWords(original, rand) };
  const others: string[] = [];
  for (let i = 0; i < 6; i++) others.push((files[`other-${i}.txt`] = randomText(vocab, 80, rand)));
  await writeFiles(root, files);

  const embeddedTexts: string[] = [];
  const embed = async (texts: string[]) => {
    embeddedTexts.push(...texts);
    return toyEmbed(texts);
  };
  const cheapTexts: string[] = [];
  const candidates = {
    floor: 0.9,
    embed: (texts: string[]) => {
      cheapTexts.push(...texts);
      return texts.map(toyVector);
    },
  };
  const store = await tempStore();
  const { scanId, stats } = await runDedupScan({ roots: [root], store, embed, candidates, settings: { passageLevel: false } });
  // Every distinct passage got a cheap vector; only the two candidates reached the bi-encoder.
  expect(cheapTexts.length).toBe(stats.distinctPassages);
  expect(stats.candidateContents).toBe(2);
  expect(embeddedTexts.length).toBeGreaterThan(0);
  expect(embeddedTexts.length).toBeLessThan(cheapTexts.length);
  for (const t of embeddedTexts) expect(others.some((o) => o.includes(t.trim()))).toBe(false);
  const clusters = await store.scans.listClusters(scanId);
  expect(clusters).toHaveLength(1);
  const paths = await Promise.all(clusters[0]!.members.map(async (m) => (await store.documents.get(m.documentId))!.relPath));
  expect(paths.sort()).toEqual(['report-reworded.txt', 'report.txt']);

  // Without the stage every passage is embedded and the same group comes out.
  embeddedTexts.length = 0;
  const all = await runDedupScan({ roots: [root], store, embed, settings: { passageLevel: false } });
  expect(all.stats.candidateContents).toBeUndefined();
  expect(all.stats.embedded + all.stats.embeddingsCached).toBe(all.stats.distinctPassages);
  expect(await store.scans.listClusters(all.scanId)).toHaveLength(1);
});
