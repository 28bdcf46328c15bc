/**
 * The words that drive a check's score. Each word of each text is left out in turn and the two
 * texts are compared again with the same bi-encoder: the drop in cosine is that word's effect
 * (positive: it holds the texts together; negative: it pulls them apart). This asks the model
 * itself, so it shows what the score rests on, including a "not" the model did or did not notice.
 * Words both texts share (case and accents aside) are marked too. Longer texts (more words than
 * MAX_OCCLUDED_WORDS in either) get the shared words only: occlusion costs one embedding per word.
 */
import type { PairHighlights, WordHighlight } from '../../shared/api';
import type { BiEncoder } from '../models/encoder';

export const MAX_OCCLUDED_WORDS = 48;

export interface WordSpan {
  start: number;
  end: number;
  text: string;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Word-like segments with their offsets (Unicode word breaks: spaces for Latin text, a dictionary for Chinese). */
export function wordSpans(text: string): WordSpan[] {
  const out: WordSpan[] = [];
  for (const s of segmenter.segment(text)) {
    if (s.isWordLike) out.push({ start: s.index, end: s.index + s.segment.length, text: s.segment });
  }
  return out;
}

/** A word as compared across the texts: lower case, accents and width variants folded. */
export function foldWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The text with one word left out (and the space around it closed up). */
export function withoutWord(text: string, span: WordSpan): string {
  const before = text.slice(0, span.start);
  const after = text.slice(span.end);
  return /\s$/.test(before) && /^\s/.test(after) ? before + after.replace(/^\s+/, ' ').trimStart() : before + after;
}

function dot(x: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k]! * y[k]!;
  return s;
}

export async function pairHighlights(bi: Pick<BiEncoder, 'embed'>, a: string, b: string): Promise<PairHighlights> {
  const spansA = wordSpans(a);
  const spansB = wordSpans(b);
  const foldedA = new Set(spansA.map((s) => foldWord(s.text)));
  const foldedB = new Set(spansB.map((s) => foldWord(s.text)));
  const occlude = spansA.length <= MAX_OCCLUDED_WORDS && spansB.length <= MAX_OCCLUDED_WORDS;
  // A text of one word has nothing left when it is left out: its effect is not measured.
  const variantsA = occlude && spansA.length > 1 ? spansA.map((s) => withoutWord(a, s)) : [];
  const variantsB = occlude && spansB.length > 1 ? spansB.map((s) => withoutWord(b, s)) : [];
  const vectors = await bi.embed([a, b, ...variantsA, ...variantsB]);
  const va = vectors[0]!;
  const vb = vectors[1]!;
  const biScore = dot(va, vb);
  const mark = (spans: WordSpan[], other: Set<string>, effects: number[] | null): WordHighlight[] =>
    spans.map((s, i) => ({ start: s.start, end: s.end, text: s.text, effect: effects ? effects[i]! : null, shared: other.has(foldWord(s.text)) }));
  const effectsA = variantsA.length ? variantsA.map((_, i) => biScore - dot(vectors[2 + i]!, vb)) : null;
  const effectsB = variantsB.length ? variantsB.map((_, j) => biScore - dot(va, vectors[2 + variantsA.length + j]!)) : null;
  return {
    biScore,
    a: mark(spansA, foldedB, effectsA),
    b: mark(spansB, foldedA, effectsB),
    method: occlude ? 'occlusion' : 'overlap',
  };
}
