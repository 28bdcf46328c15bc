/**
 * BERT tokenization: the BertNormalizer (clean text, space out CJK ideographs, strip
 * accents, lowercase), the BertPreTokenizer (split on whitespace and punctuation) and the
 * greedy longest-match-first WordPiece model, as in Hugging Face `tokenizers`.
 */
import { HfTokenizer, PipelineContent, bertTemplate, maxId, type WordModel, type PostTemplate, type SpecialToken } from './pipeline';

export interface BertNormalizerOptions {
  cleanText: boolean;
  handleChineseChars: boolean;
  /** null: follow `lowercase` (the BERT default). */
  stripAccents: boolean | null;
  lowercase: boolean;
}

export const BERT_UNCASED_NORMALIZER: BertNormalizerOptions = {
  cleanText: true,
  handleChineseChars: true,
  stripAccents: null,
  lowercase: true,
};

// Control characters are removed (tab, newline and carriage return count as whitespace),
// and so are NUL and U+FFFD.
const REMOVED_CHARS = /\0|\uFFFD|(?![\t\n\r])\p{C}/gu;
const ANY_WHITESPACE = /\p{White_Space}/gu;
const CJK_IDEOGRAPH =
  /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B920}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;
const NONSPACING_MARK = /\p{Mn}/gu;

/**
 * Lowercase character by character, like the Rust normalizer: String.toLowerCase would
 * apply the context rule for a final capital sigma, per-character mapping does not.
 */
export function lowercasePerChar(text: string): string {
  if (!text.includes('\u03A3')) return text.toLowerCase();
  let out = '';
  for (const ch of text) out += ch.toLowerCase();
  return out;
}

export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(NONSPACING_MARK, '');
}

export function bertNormalize(text: string, opts: BertNormalizerOptions = BERT_UNCASED_NORMALIZER): string {
  let t = text;
  if (opts.cleanText) t = t.replace(REMOVED_CHARS, '').replace(ANY_WHITESPACE, ' ');
  if (opts.handleChineseChars) t = t.replace(CJK_IDEOGRAPH, ' $& ');
  if (opts.stripAccents ?? opts.lowercase) t = stripAccents(t);
  if (opts.lowercase) t = lowercasePerChar(t);
  return t;
}

// ASCII punctuation (which includes symbols such as $ + < = > ^ ` | ~) or Unicode P*.
const PUNCT = String.raw`\p{P}!-\/:-@\[-\x60{-~`;
const BERT_PRE_TOKEN = new RegExp(`[${PUNCT}]|[^\\p{White_Space}${PUNCT}]+`, 'gu');

/** Split on whitespace (dropped) and punctuation (each mark its own word). */
export function bertPreTokenize(text: string): string[] {
  return text.match(BERT_PRE_TOKEN) ?? [];
}

export interface WordPieceOptions {
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

export const WORDPIECE_DEFAULTS: WordPieceOptions = {
  unkToken: '[UNK]',
  continuingSubwordPrefix: '##',
  maxInputCharsPerWord: 100,
};

/** Greedy longest-match-first WordPiece; a word that cannot be covered becomes [UNK]. */
export class WordPieceModel implements WordModel {
  private readonly unkId: number;

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly options: WordPieceOptions = WORDPIECE_DEFAULTS,
  ) {
    const unk = vocab.get(options.unkToken);
    if (unk === undefined) throw new Error(`the vocabulary has no unknown token "${options.unkToken}"`);
    this.unkId = unk;
  }

  tokenizeWord(word: string): number[] {
    const chars = Array.from(word); // code points, not UTF-16 units
    if (chars.length > this.options.maxInputCharsPerWord) return [this.unkId];
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        let piece = chars.slice(start, end).join('');
        if (start > 0) piece = this.options.continuingSubwordPrefix + piece;
        found = this.vocab.get(piece);
        if (found !== undefined) break;
        end -= 1;
      }
      if (found === undefined) return [this.unkId];
      ids.push(found);
      start = end;
    }
    return ids;
  }
}

/** vocab.txt: one token per line, the line number is the id. */
export function parseVocabTxt(text: string): Map<string, number> {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  // A duplicated line keeps its last id, as the Hugging Face loaders do.
  lines.forEach((tok, i) => vocab.set(tok, i));
  return vocab;
}

export interface BertSpecialTokenNames {
  unk: string;
  cls: string;
  sep: string;
  pad: string;
  mask: string;
}

export const BERT_SPECIAL_TOKENS: BertSpecialTokenNames = {
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  pad: '[PAD]',
  mask: '[MASK]',
};

export interface BertTokenizerOptions {
  normalizer?: BertNormalizerOptions;
  specialTokens?: BertSpecialTokenNames;
  /** Defaults to the BERT `[CLS] A [SEP] B [SEP]` template. */
  template?: PostTemplate;
  source?: string;
}

/** A BERT tokenizer from a vocabulary (vocab.txt style), as BertTokenizerFast builds it. */
export function createBertTokenizer(vocab: Map<string, number>, opts: BertTokenizerOptions = {}): HfTokenizer {
  const names = opts.specialTokens ?? BERT_SPECIAL_TOKENS;
  const need = (what: string, tok: string): number => {
    const id = vocab.get(tok);
    if (id === undefined) throw new Error(`the vocabulary has no ${what} token "${tok}"`);
    return id;
  };
  const cls = need('start', names.cls);
  const sep = need('separator', names.sep);
  const pad = need('padding', names.pad);
  const unk = need('unknown', names.unk);
  const mask = vocab.get(names.mask) ?? null;
  const normalizer = opts.normalizer ?? BERT_UNCASED_NORMALIZER;
  const specials: SpecialToken[] = [];
  for (const tok of [names.pad, names.unk, names.cls, names.sep, names.mask]) {
    const id = vocab.get(tok);
    if (id !== undefined && !specials.some((s) => s.content === tok)) specials.push({ content: tok, id });
  }
  const model = new WordPieceModel(vocab, { ...WORDPIECE_DEFAULTS, unkToken: names.unk });
  return new HfTokenizer({
    kind: 'wordpiece',
    source: opts.source ?? 'vocab.txt',
    content: new PipelineContent((t) => bertNormalize(t, normalizer), bertPreTokenize, model),
    specialTokens: specials,
    template: opts.template ?? bertTemplate(cls, sep),
    ids: { pad, unk, cls, sep, mask },
    vocabSize: maxId(vocab) + 1,
  });
}
