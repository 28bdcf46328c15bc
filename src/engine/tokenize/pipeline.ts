/**
 * The parts every Hugging Face style tokenizer shares: text sanitation, splitting on
 * special-token strings, truncation and the [CLS]/[SEP] style post-processing template.
 * wordpiece.ts and bpe.ts only supply "normalize -> pre-tokenize -> word to ids".
 */
import type { EncodeOptions, Encoded, EncodedPair, Tokenizer } from './types';

export type { EncodeOptions, Encoded, EncodedPair, Tokenizer };

export interface SpecialToken {
  content: string;
  id: number;
  /** Swallow the whitespace before / after the token when it is found in text. */
  lstrip?: boolean;
  rstrip?: boolean;
}

/** One piece of a post-processing template: a fixed special token or the A/B sequence. */
export type TemplatePiece = { kind: 'special'; ids: number[]; typeId: number } | { kind: 'sequence'; which: 'A' | 'B'; typeId: number };

export interface PostTemplate {
  single: TemplatePiece[];
  pair: TemplatePiece[];
}

/** Normalizer + pre-tokenizer + model for text that holds no special tokens. */
export interface ContentTokenizer {
  /** Content token ids of a text segment (no special tokens added). */
  tokenizeSegment(text: string): number[];
}

export interface SpecialIds {
  pad: number;
  unk: number | null;
  /** Start and separator tokens ([CLS]/[SEP] or <s>/</s>). */
  cls: number;
  sep: number;
  mask: number | null;
}

/** Word-level model: WordPiece or BPE. */
export interface WordModel {
  tokenizeWord(word: string): number[];
}

/** normalize -> pre-tokenize -> model, the Hugging Face `tokenizers` pipeline without added tokens. */
export class PipelineContent implements ContentTokenizer {
  constructor(
    private readonly normalize: (text: string) => string,
    private readonly preTokenize: (text: string) => string[],
    private readonly model: WordModel,
  ) {}

  tokenizeSegment(text: string): number[] {
    const ids: number[] = [];
    for (const word of this.preTokenize(this.normalize(text))) {
      for (const id of this.model.tokenizeWord(word)) ids.push(id);
    }
    return ids;
  }
}

export function maxId(vocab: ReadonlyMap<string, number>): number {
  let m = -1;
  for (const id of vocab.values()) if (id > m) m = id;
  return m;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Project rule, applied before anything else: a lone UTF-16 surrogate (text cut in the
 * middle of a pair, broken files) becomes U+FFFD. Hugging Face would refuse such input.
 */
export function replaceLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

const WHITESPACE = /\p{White_Space}/u;

export function isWhitespace(ch: string): boolean {
  return WHITESPACE.test(ch);
}

/**
 * Split raw text on special-token strings, leftmost match first and the longest one at
 * a position, as the Hugging Face added-vocabulary matcher does (tokens are matched on
 * the raw text, i.e. as if `normalized: false`).
 */
export function splitOnSpecialTokens(text: string, specials: readonly SpecialToken[]): Array<{ text: string; special: SpecialToken | null }> {
  const out: Array<{ text: string; special: SpecialToken | null }> = [];
  if (specials.length === 0 || text.length === 0) {
    if (text.length > 0) out.push({ text, special: null });
    return out;
  }
  const byFirstChar = new Map<string, SpecialToken[]>();
  for (const s of specials) {
    if (!s.content) continue;
    const list = byFirstChar.get(s.content[0]) ?? [];
    list.push(s);
    byFirstChar.set(s.content[0], list);
  }
  for (const list of byFirstChar.values()) list.sort((a, b) => b.content.length - a.content.length);

  let buf = '';
  let i = 0;
  while (i < text.length) {
    const candidates = byFirstChar.get(text[i]);
    const hit = candidates?.find((s) => text.startsWith(s.content, i));
    if (!hit) {
      buf += text[i];
      i += 1;
      continue;
    }
    if (hit.lstrip) buf = trimEndWhitespace(buf);
    if (buf) out.push({ text: buf, special: null });
    buf = '';
    out.push({ text: hit.content, special: hit });
    i += hit.content.length;
    if (hit.rstrip) {
      while (i < text.length) {
        const cp = text.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        if (!isWhitespace(ch)) break;
        i += ch.length;
      }
    }
  }
  if (buf) out.push({ text: buf, special: null });
  return out;
}

function trimEndWhitespace(s: string): string {
  const chars = Array.from(s);
  while (chars.length > 0 && isWhitespace(chars[chars.length - 1])) chars.pop();
  return chars.join('');
}

/**
 * 'longest_first' truncation of a pair: drop the last token of the longer sequence
 * (of the second one on a tie) until both fit in `budget` tokens.
 */
export function truncatePair(a: number[], b: number[], budget: number): { a: number[]; b: number[]; truncated: boolean } {
  let na = a.length;
  let nb = b.length;
  const limit = Math.max(0, budget);
  if (na + nb <= limit) return { a, b, truncated: false };
  // Closed form of the one-at-a-time loop.
  if (Math.min(na, nb) * 2 <= limit) {
    if (na > nb) na = limit - nb;
    else nb = limit - na;
  } else {
    na = Math.ceil(limit / 2);
    nb = Math.floor(limit / 2);
  }
  return { a: a.slice(0, na), b: b.slice(0, nb), truncated: true };
}

export function bertTemplate(cls: number, sep: number): PostTemplate {
  return {
    single: [
      { kind: 'special', ids: [cls], typeId: 0 },
      { kind: 'sequence', which: 'A', typeId: 0 },
      { kind: 'special', ids: [sep], typeId: 0 },
    ],
    pair: [
      { kind: 'special', ids: [cls], typeId: 0 },
      { kind: 'sequence', which: 'A', typeId: 0 },
      { kind: 'special', ids: [sep], typeId: 0 },
      { kind: 'sequence', which: 'B', typeId: 1 },
      { kind: 'special', ids: [sep], typeId: 1 },
    ],
  };
}

/** `<s> A </s>` and `<s> A </s></s> B </s>`; RoBERTa takes no segment ids, so all are 0. */
export function robertaTemplate(cls: number, sep: number): PostTemplate {
  return {
    single: [
      { kind: 'special', ids: [cls], typeId: 0 },
      { kind: 'sequence', which: 'A', typeId: 0 },
      { kind: 'special', ids: [sep], typeId: 0 },
    ],
    pair: [
      { kind: 'special', ids: [cls], typeId: 0 },
      { kind: 'sequence', which: 'A', typeId: 0 },
      { kind: 'special', ids: [sep, sep], typeId: 0 },
      { kind: 'sequence', which: 'B', typeId: 0 },
      { kind: 'special', ids: [sep], typeId: 0 },
    ],
  };
}

function specialCount(pieces: TemplatePiece[]): number {
  return pieces.reduce((n, p) => n + (p.kind === 'special' ? p.ids.length : 0), 0);
}

function applyTemplate(pieces: TemplatePiece[], a: number[], b: number[]): { ids: number[]; typeIds: number[] } {
  const ids: number[] = [];
  const typeIds: number[] = [];
  for (const p of pieces) {
    const part = p.kind === 'special' ? p.ids : p.which === 'A' ? a : b;
    for (const id of part) {
      ids.push(id);
      typeIds.push(p.typeId);
    }
  }
  return { ids, typeIds };
}

export interface HfTokenizerInit {
  kind: 'wordpiece' | 'bpe';
  /** Where it was read from, for messages and summaries ("tokenizer.json", "vocab.txt", ...). */
  source: string;
  content: ContentTokenizer;
  specialTokens: SpecialToken[];
  template: PostTemplate;
  ids: SpecialIds;
  /** Number of entries (highest id + 1) in the vocabulary. */
  vocabSize: number;
  /** Applied to the text before anything else (sentence-transformers do_lower_case). */
  lowercaseInput?: boolean;
  /**
   * Cutting a long text where a word ends leaves the tokens before the cut unchanged
   * (false for normalizers that rewrite across whitespace, e.g. a Replace of "a b").
   */
  prefixSafe?: boolean;
}

// tokenizeHead: first try (cap + 1) * 16 characters (at least 4096), look up to 1000
// characters further for a word end.
const HEAD_MIN_CHARS = 4096;
const HEAD_CHARS_PER_TOKEN = 16;
const HEAD_SEARCH_CHARS = 1000;

function isAsciiOrUnicodeSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code > 0x7f && WHITESPACE.test(String.fromCharCode(code)));
}

/** A complete tokenizer: special-token split, content tokenization, truncation, template. */
export class HfTokenizer implements Tokenizer {
  readonly kind: 'wordpiece' | 'bpe';
  readonly source: string;
  readonly ids: SpecialIds;
  readonly vocabSize: number;
  readonly template: PostTemplate;
  private readonly content: ContentTokenizer;
  private readonly specials: SpecialToken[];
  private readonly lowercaseInput: boolean;
  private readonly prefixSafe: boolean;

  constructor(init: HfTokenizerInit) {
    this.kind = init.kind;
    this.source = init.source;
    this.content = init.content;
    this.specials = init.specialTokens;
    this.template = init.template;
    this.ids = init.ids;
    this.vocabSize = init.vocabSize;
    this.lowercaseInput = init.lowercaseInput ?? false;
    this.prefixSafe = init.prefixSafe ?? true;
  }

  /** A copy that lowercases input first (sentence_bert_config.json do_lower_case). */
  withLowercaseInput(on: boolean): HfTokenizer {
    return new HfTokenizer({
      kind: this.kind,
      source: this.source,
      content: this.content,
      specialTokens: this.specials,
      template: this.template,
      ids: this.ids,
      vocabSize: this.vocabSize,
      lowercaseInput: on,
      prefixSafe: this.prefixSafe,
    });
  }

  /** Content token ids of a text, without special tokens and without truncation. */
  tokenize(text: string): number[] {
    let clean = replaceLoneSurrogates(text);
    if (this.lowercaseInput) clean = clean.toLowerCase();
    const ids: number[] = [];
    for (const seg of splitOnSpecialTokens(clean, this.specials)) {
      if (seg.special) ids.push(seg.special.id);
      else for (const id of this.content.tokenizeSegment(seg.text)) ids.push(id);
    }
    return ids;
  }

  /**
   * The first content ids of a text: all of them, or (for a long text) at least `cap` + 1
   * of them, exactly as the full tokenization starts, without tokenizing a whole book.
   * The text is cut where a word ends and whitespace begins: the normalizers and
   * pre-tokenizers used here treat whitespace as a hard boundary, so every token before
   * the cut comes out the same as in the full text.
   */
  tokenizeHead(text: string, cap: number): number[] {
    const start = Math.max(HEAD_MIN_CHARS, (cap + 1) * HEAD_CHARS_PER_TOKEN);
    if (this.prefixSafe && text.length > start * 2) {
      let cut = -1;
      for (let i = start; i < text.length && i < start + HEAD_SEARCH_CHARS; i++) {
        if (isAsciiOrUnicodeSpace(text.charCodeAt(i)) && !isAsciiOrUnicodeSpace(text.charCodeAt(i - 1))) {
          cut = i;
          break;
        }
      }
      if (cut > 0) {
        const head = this.tokenize(text.slice(0, cut));
        if (head.length > cap) return head;
      }
    }
    return this.tokenize(text);
  }

  encode(text: string, opts: EncodeOptions): Encoded {
    const room = opts.maxLength - specialCount(this.template.single);
    if (room < 0) throw new RangeError(`maxLength ${opts.maxLength} leaves no room for the ${specialCount(this.template.single)} special tokens`);
    const content = this.tokenizeHead(text, room);
    const truncated = content.length > room;
    const kept = truncated ? content.slice(0, room) : content;
    return { ids: applyTemplate(this.template.single, kept, []).ids, truncated };
  }

  /** A cross-encoder input: `[CLS] a [SEP] b [SEP]` (BERT) or `<s> a </s></s> b </s>` (RoBERTa). */
  encodePair(a: string, b: string, opts: EncodeOptions): EncodedPair {
    const budget = opts.maxLength - specialCount(this.template.pair);
    if (budget < 0) throw new RangeError(`maxLength ${opts.maxLength} leaves no room for the ${specialCount(this.template.pair)} special tokens`);
    // Longest-first only compares lengths with the budget, so budget + 1 ids of each suffice.
    const t = truncatePair(this.tokenizeHead(a, budget), this.tokenizeHead(b, budget), budget);
    const { ids, typeIds } = applyTemplate(this.template.pair, t.a, t.b);
    return { ids, typeIds, truncated: t.truncated };
  }
}
