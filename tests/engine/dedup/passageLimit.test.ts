/**
 * Issue 11 (scale): the limit on passages held in memory (`maxPassagesForFuzzy`) turns off the
 * folder-wide passage-level matching only. The passages of the candidate documents, which the
 * transformer embeds anyway, are still kept, so long documents that are paraphrased or
 * reordered still hold passage by passage (at 100,000 files all 869 paraphrased documents were
 * lost when no passage vector was kept).
 */
import { expect, it } from 'vitest';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import { shuffleInPlace } from '../../../src/engine/random';
import { changeWords, makeVocabulary, mulberry32, randomText, shuffleWords, tempDir, tempStore, toyEmbed, toyVector, writeFiles } from './helpers';

it('with too many passages for the folder, still finds a paraphrased and a reordered long document, and says what was skipped', async () => {
  const rand = mulberry32(17);
  const vocab = makeVocabulary(3000, 17);
  const root = await tempDir('tenc-dedup-passage-limit-');
  const doc = () => Array.from({ length: 3 }, () => randomText(vocab, 48, rand));
  const report = doc();
  const memo = doc();
  const files: Record<string, string> = {
    'report.txt': report.join('\n\n'),
    // Sentences and paragraphs in another order: no passage is identical to one of the original.
    'copies/report-reordered.txt': shuffleInPlace(
      report.map((p) => shuffleInPlace(p.split(/(?<=\.) /), rand).join(' ')),
      rand,
    ).join('\n\n'),
    'memo.txt': memo.join('\n\n'),
    // Every passage reworded (words replaced, order changed): not a near copy, the same meaning to the toy embedder.
    'copies/memo-paraphrased.txt': memo.map((p) => shuffleWords(changeWords(p, 2, rand), rand)).join('\n\n'),
  };
  for (let i = 0; i < 12; i++) files[`unique/u${i}.txt`] = doc().join('\n\n');
  await writeFiles(root, files);

  const store = await tempStore();
  const { scanId, stats } = await runDedupScan({
    roots: [root],
    store,
    embed: toyEmbed,
    candidates: { floor: 0.8, lexicalFloor: 0.3, embed: (texts: string[]) => texts.map(toyVector) },
    settings: { maxPassagesForFuzzy: 16 },
  });
  // The folder's 48 passages are over the limit; the candidates' 12 are not.
  expect(stats.distinctPassages).toBe(48);
  expect(stats.candidateContents).toBe(4);
  expect(stats.passageFuzzySkipped).toBe('48 distinct passages exceed the limit of 16; only identical passages were matched');
  expect(stats.embedded).toBe(12);
  expect(stats.semanticRejectedCoverage).toBe(0);

  const clusters = (await store.scans.listClusters(scanId)).filter((c) => c.members.every((m) => m.passageId == null));
  const groups = await Promise.all(
    clusters.map(async (c) => ({
      paths: (await Promise.all(c.members.map(async (m) => (await store.documents.get(m.documentId))!.relPath))).sort(),
      layers: c.members.map((m) => m.layer),
    })),
  );
  expect(groups.map((g) => g.paths.join(' ')).sort()).toEqual(['copies/memo-paraphrased.txt memo.txt', 'copies/report-reordered.txt report.txt']);
  // Held by passage evidence (semantic), never by a near copy.
  for (const g of groups) expect(g.layers.some((l) => l === 'near' || l === 'exact')).toBe(false);
  expect((await store.scans.get(scanId))!.stats).toMatchObject({ passageFuzzySkipped: stats.passageFuzzySkipped });
});
