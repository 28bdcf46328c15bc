import type { Store } from '../store';
import { readPairsTsv, splitSentences } from '../text';
import { randomSubset, seededRandom } from '../random';
import type { TrainingSource, TrainWorkerInput } from './protocol';

/** Sentences shorter than this carry too little meaning to pair (headings, list bullets). */
const MIN_SENTENCE_CHARS = 12;

/** The sentences of a corpus's passages, deduplicated; a seeded sample of at most `max`. */
export async function corpusSentences(store: Store, corpusId: number, max = 20_000, seed = 42): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  const PAGE = 2000;
  for (let offset = 0; ; offset += PAGE) {
    const passages = await store.passages.listByCorpus(corpusId, { limit: PAGE, offset });
    for (const p of passages) {
      for (const s of splitSentences(p.text)) {
        const t = s.text.replace(/\s+/g, ' ').trim();
        if (t.length >= MIN_SENTENCE_CHARS && !seen.has(t)) {
          seen.add(t);
          out.push(t);
        }
      }
    }
    if (passages.length < PAGE) break;
  }
  return randomSubset(out, max, seededRandom(seed));
}

export async function pairsFileSource(file: string): Promise<TrainingSource> {
  const rows = await readPairsTsv(file);
  return { kind: 'pairs', a: rows.map((r) => r.a), b: rows.map((r) => r.b) };
}

/** The user's labelled pairs of a corpus (the scale most of them use), for model selection. */
export async function userLabelsFor(store: Store, corpusId: number | null): Promise<TrainWorkerInput['userLabels']> {
  const all = await store.labelledPairs.list(corpusId != null ? { corpusId } : {});
  if (all.length < 2) return undefined;
  const binary = all.filter((p) => p.scale === 'binary').length;
  const scale = binary * 2 >= all.length ? 'binary' : '0-5';
  const chosen = all.filter((p) => p.scale === scale);
  return { a: chosen.map((p) => p.textA), b: chosen.map((p) => p.textB), labels: chosen.map((p) => p.label), scale };
}
