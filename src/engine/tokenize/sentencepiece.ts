/**
 * SentencePiece unigram tokenizer for the Universal Sentence Encoder lite vocabulary
 * (vocab.json: an array of [piece, score] pairs, 8k pieces).
 *
 * It reproduces the ids of the original JS pipeline (the USE `Tokenizer`, also shipped by
 * @energetic-ai/embeddings) exactly, quirks included:
 * - NFKC normalisation, then `▁` before the text and in place of every ASCII space
 *   (tabs and newlines are left alone and usually become unknown);
 * - symbols are Unicode code points, so a lone UTF-16 surrogate is one (unknown) symbol;
 * - the first `reservedCount` entries (unknown, <s>, </s>, extra ids) are never produced;
 * - a position where no piece starts yields the unknown id (0) with score 0, and runs of
 *   unknowns collapse into one;
 * - Viterbi keeps the later candidate on ties (`>=`) and whenever the best score so far is
 *   exactly 0; a `null` score counts as 0 (JS arithmetic), a duplicated piece keeps its
 *   last id.
 * Unlike the original (O(n^2) because it slices the input at each position) this runs in
 * O(n * longest piece), so 100,000-character texts are cheap.
 */
import { readFileSync } from 'node:fs';
import type { EncodeOptions, Encoded, EncodedPair, Tokenizer } from './types';

export type VocabEntry = [piece: string, score: number | null];

export interface SentencePieceOptions {
  /** Entries at the start of the vocabulary that the tokenizer never emits. */
  reservedCount?: number;
  /** Id emitted for characters no piece covers. */
  unkId?: number;
  /** Separator put between the two texts of a pair (default: the `</s>` entry, id 2). */
  sepId?: number;
}

export const SPACE_SYMBOL = '\u2581';

interface TrieNode {
  children: Map<number, TrieNode>;
  /** Vocabulary id when a piece ends here, else -1. */
  id: number;
  score: number;
}

function newNode(): TrieNode {
  return { children: new Map(), id: -1, score: 0 };
}

/** The original pipeline's normalisation: NFKC, `▁` prefix, spaces become `▁`. */
export function normalizeForSentencePiece(text: string): string {
  const normalized = text.normalize('NFKC');
  return normalized.length > 0 ? SPACE_SYMBOL + normalized.replace(/ /g, SPACE_SYMBOL) : normalized;
}

/** Code points of a string (lone surrogates stay single symbols, as with `for...of`). */
function codePoints(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

export class SentencePieceTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly unkId: number;
  readonly sepId: number;
  private readonly root = newNode();
  private readonly pieces: string[];
  /** UTF-16 length of each piece: the original steps back by this when reading the path. */
  private readonly pieceLength: Int32Array;

  constructor(vocab: readonly VocabEntry[], options: SentencePieceOptions = {}) {
    const reserved = options.reservedCount ?? 6;
    this.unkId = options.unkId ?? 0;
    this.sepId = options.sepId ?? 2;
    this.vocabSize = vocab.length;
    this.pieces = vocab.map((e) => e[0]);
    this.pieceLength = Int32Array.from(vocab, (e) => e[0].length);
    for (let id = reserved; id < vocab.length; id++) {
      const [piece, score] = vocab[id]!;
      const symbols = codePoints(piece);
      if (symbols.length === 0) continue;
      let node = this.root;
      for (const s of symbols) {
        let next = node.children.get(s);
        if (!next) {
          next = newNode();
          node.children.set(s, next);
        }
        node = next;
      }
      node.id = id;
      node.score = score ?? 0;
    }
  }

  static fromVocabFile(path: string, options?: SentencePieceOptions): SentencePieceTokenizer {
    const vocab = JSON.parse(readFileSync(path, 'utf8')) as VocabEntry[];
    if (!Array.isArray(vocab) || vocab.length === 0 || !Array.isArray(vocab[0])) {
      throw new Error(`Not a SentencePiece vocab.json ([piece, score] pairs): ${path}`);
    }
    return new SentencePieceTokenizer(vocab, options);
  }

  /** All token ids of a text, before any truncation. */
  tokenize(text: string): number[] {
    const symbols = codePoints(normalizeForSentencePiece(text));
    const n = symbols.length;
    if (n === 0) return [];
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    // Forward Viterbi. Visiting start positions in ascending order offers every end position
    // its candidates in the same order as the original (which loops end, then start).
    for (let start = 0; start < n; start++) {
      const base = best[start]!;
      let node = this.root.children.get(symbols[start]!);
      let matched = false;
      for (let end = start + 1; node; end++) {
        if (node.id >= 0) {
          matched = true;
          const score = node.score + base;
          if (best[end] === 0 || score >= best[end]!) {
            best[end] = score;
            words[end] = node.id;
          }
        }
        if (end >= n) break;
        node = node.children.get(symbols[end]!);
      }
      if (!matched) {
        const end = start + 1;
        if (best[end] === 0 || base >= best[end]!) {
          best[end] = base;
          words[end] = this.unkId;
        }
      }
    }
    // Read the path backwards; collapse runs of unknowns.
    const reversed: number[] = [];
    let previousUnk = false;
    for (let pos = n; pos > 0;) {
      const id = words[pos]!;
      const isUnk = id === this.unkId;
      if (!(previousUnk && isUnk)) reversed.push(id);
      previousUnk = isUnk;
      pos -= this.pieceLength[id]!;
    }
    return reversed.reverse();
  }

  encode(text: string, opts?: Partial<EncodeOptions>): Encoded {
    const ids = this.tokenize(text);
    const max = opts?.maxLength ?? Infinity;
    if (ids.length <= max) return { ids, truncated: false };
    return { ids: ids.slice(0, Math.max(0, max)), truncated: true };
  }

  /**
   * Both texts in one sequence, `a </s> b`, for the cross-encoder. When too long, tokens are
   * dropped from the end of the longer text first so both keep as much as possible.
   */
  encodePair(a: string, b: string, opts?: Partial<EncodeOptions>): EncodedPair {
    let idsA = this.tokenize(a);
    let idsB = this.tokenize(b);
    const max = opts?.maxLength ?? Infinity;
    const budget = Math.max(0, max - 1);
    let truncated = false;
    if (idsA.length + idsB.length > budget) {
      truncated = true;
      let la = idsA.length;
      let lb = idsB.length;
      while (la + lb > budget) {
        if (la >= lb) la--;
        else lb--;
      }
      idsA = idsA.slice(0, la);
      idsB = idsB.slice(0, lb);
    }
    const ids = [...idsA, this.sepId, ...idsB];
    const typeIds = ids.map((_, i) => (i <= idsA.length ? 0 : 1));
    if (ids.length > max) {
      // Only when maxLength < 1: nothing fits, not even the separator.
      return { ids: ids.slice(0, Math.max(0, max)), typeIds: typeIds.slice(0, Math.max(0, max)), truncated: true };
    }
    return { ids, typeIds, truncated };
  }

  /** The vocabulary string of an id (for debugging and tests). */
  idToPiece(id: number): string | undefined {
    return this.pieces[id];
  }
}
