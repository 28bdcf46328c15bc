/**
 * The candidate stage (issue 11, speed): cheap document vectors choose which documents the
 * bi-encoder reads; the others are never embedded, and what the candidates hold is still found.
 */
import { expect, it } from 'vitest';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import { changeWords, makeVocabulary, mulberry32, randomText, shuffleWords, tempDir, tempStore, toyEmbed, toyVector, writeFiles } from './helpers';

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

/** The words of each sentence in another order (every passage keeps its words). */
const reorderWithin = (text: string, rand: () => number) =>
  text
    .split(/(?<=\.) /)
    .map((s) => shuffleWords(s, rand))
    .join(' ');

it('sends no near-duplicate pair and no pair of long documents sharing few words to the bi-encoder', async () => {
  const rand = mulberry32(9);
  const root = await tempDir('tenc-dedup-candidates-lexical-');
  // Three families of ~1.3 KB texts over different vocabularies. The cheap vectors below say every
  // document is like every other (one genre); only the words tell them apart.
  const a = randomText(makeVocabulary(300, 11), 220, rand);
  const other = randomText(makeVocabulary(300, 12), 220, rand);
  const n = randomText(makeVocabulary(300, 13), 220, rand);
  const files = { 'a.txt': a, 'a-reworded.txt': reorderWithin(a, rand), 'other.txt': other, 'n.txt': n, 'n-edited.txt': changeWords(n, 1, rand) };
  await writeFiles(root, files);
  const embeddedTexts: string[] = [];
  const embed = async (texts: string[]) => {
    embeddedTexts.push(...texts);
    return toyEmbed(texts);
  };
  const oneGenre = (texts: string[]) => texts.map(() => Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0)));
  const store = await tempStore();
  const { scanId, stats } = await runDedupScan({
    roots: [root],
    store,
    embed,
    candidates: { floor: 0.6, longFloor: 0.85, lexicalFloor: 0.3, embed: oneGenre },
    settings: { passageLevel: false },
  });
  // a ~ a-reworded share every word: the only pair sent on. n ~ n-edited is found by MinHash.
  expect(stats.candidateContents).toBe(2);
  expect(stats.candidatePairs).toBe(1);
  expect(stats.candidatePairsNear).toBe(1);
  expect(stats.candidatePairsLexical).toBeGreaterThanOrEqual(4);
  for (const t of embeddedTexts) expect(other.includes(t.trim()) || n.includes(t.trim())).toBe(false);
  const clusters = await store.scans.listClusters(scanId);
  const groups = await Promise.all(
    clusters.map(async (c) => (await Promise.all(c.members.map(async (m) => (await store.documents.get(m.documentId))!.relPath))).sort().join(' ')),
  );
  expect(groups.sort()).toEqual(['a-reworded.txt a.txt', 'n-edited.txt n.txt']);

  // Without the shared-words check every document is a candidate.
  const store2 = await tempStore();
  const loose = await runDedupScan({ roots: [root], store: store2, embed, candidates: { floor: 0.6, embed: oneGenre }, settings: { passageLevel: false } });
  expect(loose.stats.candidateContents).toBe(5);
});
