/**
 * GPT-2 / RoBERTa byte-level BPE: UTF-8 bytes mapped to printable characters
 * (bytes_to_unicode), the GPT-2 pre-tokenization regex, then lowest-rank-first merges.
 */
import { HfTokenizer, PipelineContent, maxId, robertaTemplate, type WordModel, type PostTemplate, type SpecialToken } from './pipeline';

/** The GPT-2 byte -> character table: printable Latin-1 bytes map to themselves, the rest to U+0100.. */
export function bytesToUnicode(): string[] {
  const table: string[] = new Array(256);
  const direct = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(direct(b) ? b : next++);
  return table;
}

const BYTE_TO_CHAR = bytesToUnicode();
const UTF8 = new TextEncoder();

/** Map text to its byte-level form: one character per UTF-8 byte. */
export function toByteLevel(text: string): string {
  let out = '';
  for (const b of UTF8.encode(text)) out += BYTE_TO_CHAR[b];
  return out;
}

// The GPT-2 pattern; \s / \S spelled as the White_Space property, which is what the
// Python `regex` module and the Rust tokenizers mean by them (JS \s differs slightly).
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

export interface ByteLevelOptions {
  /** Prepend a space when the text does not start with one (off for RoBERTa by default). */
  addPrefixSpace: boolean;
  /** Split with the GPT-2 regex before mapping to bytes (on by default). */
  useRegex: boolean;
}

export const BYTE_LEVEL_DEFAULTS: ByteLevelOptions = { addPrefixSpace: false, useRegex: true };

export function byteLevelPreTokenize(text: string, opts: ByteLevelOptions = BYTE_LEVEL_DEFAULTS): string[] {
  let t = text;
  if (opts.addPrefixSpace && !t.startsWith(' ')) t = ' ' + t;
  const words = opts.useRegex ? (t.match(GPT2_SPLIT) ?? []) : t ? [t] : [];
  return words.map(toByteLevel);
}

export interface BpeOptions {
  /** Token for symbols missing from the vocabulary; null drops them (byte-level vocabularies cover all bytes). */
  unkToken: string | null;
  continuingSubwordPrefix: string;
  endOfWordSuffix: string;
  /** Look a whole word up in the vocabulary before merging (tokenizer.json `ignore_merges`). */
  ignoreMerges: boolean;
}

export const BPE_DEFAULTS: BpeOptions = {
  unkToken: null,
  continuingSubwordPrefix: '',
  endOfWordSuffix: '',
  ignoreMerges: false,
};

const PAIR_SEP = '\u0000';
const CACHE_LIMIT = 20_000;

export class BpeModel implements WordModel {
  private readonly ranks = new Map<string, number>();
  private readonly unkId: number | null;
  private readonly cache = new Map<string, number[]>();

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    merges: ReadonlyArray<readonly [string, string]>,
    readonly options: BpeOptions = BPE_DEFAULTS,
  ) {
    merges.forEach(([a, b], rank) => {
      const merged = joinSymbols(a, b, options.continuingSubwordPrefix);
      if (!vocab.has(merged)) {
        throw new Error(`merge ${rank + 1} ("${a}" + "${b}") makes "${merged}", which is not in the vocabulary`);
      }
      const key = a + PAIR_SEP + b;
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
    });
    if (options.unkToken !== null) {
      const id = vocab.get(options.unkToken);
      if (id === undefined) throw new Error(`the vocabulary has no unknown token "${options.unkToken}"`);
      this.unkId = id;
    } else {
      this.unkId = null;
    }
  }

  /** Token ids of one pre-tokenized word. */
  tokenizeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const ids = this.symbolsToIds(this.merge(word));
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  /** Repeatedly merge the adjacent pair with the lowest rank (all its occurrences, left to right). */
  merge(word: string): string[] {
    const { continuingSubwordPrefix: prefix, endOfWordSuffix: suffix } = this.options;
    if (this.options.ignoreMerges && this.vocab.has(word)) return [word];
    let symbols = Array.from(word).map((c, i, all) => {
      let s = i > 0 ? prefix + c : c;
      if (i === all.length - 1) s += suffix;
      return s;
    });
    while (symbols.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < symbols.length - 1; i++) {
        const r = this.ranks.get(symbols[i] + PAIR_SEP + symbols[i + 1]);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const first = symbols[best];
      const second = symbols[best + 1];
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i < symbols.length - 1 && symbols[i] === first && symbols[i + 1] === second) {
          merged.push(joinSymbols(first, second, prefix));
          i += 1;
        } else {
          merged.push(symbols[i]);
        }
      }
      symbols = merged;
    }
    return symbols;
  }

  private symbolsToIds(symbols: string[]): number[] {
    const ids: number[] = [];
    for (const s of symbols) {
      const id = this.vocab.get(s);
      if (id !== undefined) ids.push(id);
      else if (this.unkId !== null) ids.push(this.unkId);
    }
    return ids;
  }
}

/** "Ġh" + "##el" with prefix "##" -> "Ġhel": the second symbol's prefix is dropped. */
function joinSymbols(a: string, b: string, prefix: string): string {
  return prefix && b.startsWith(prefix) ? a + b.slice(prefix.length) : a + b;
}

/** vocab.json: {"token": id, ...}. */
export function parseVocabJson(text: string): Map<string, number> {
  const obj: unknown = JSON.parse(text);
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('is not a JSON object of token -> id');
  const vocab = new Map<string, number>();
  for (const [tok, id] of Object.entries(obj as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new Error(`token "${tok}" has id ${JSON.stringify(id)}, not a non-negative integer`);
    vocab.set(tok, id);
  }
  return vocab;
}

/** merges.txt: an optional "#version" line, then "a b" per line in rank order. */
export function parseMergesTxt(text: string): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line === '' || (i === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`line ${i + 1} is not "left right": ${JSON.stringify(line.slice(0, 60))}`);
    merges.push([parts[0], parts[1]]);
  });
  return merges;
}

export interface RobertaSpecialTokenNames {
  bos: string;
  eos: string;
  unk: string;
  pad: string;
  mask: string;
}

export const ROBERTA_SPECIAL_TOKENS: RobertaSpecialTokenNames = {
  bos: '<s>',
  eos: '</s>',
  unk: '<unk>',
  pad: '<pad>',
  mask: '<mask>',
};

export interface RobertaTokenizerOptions {
  specialTokens?: RobertaSpecialTokenNames;
  addPrefixSpace?: boolean;
  template?: PostTemplate;
  source?: string;
}

/** A RoBERTa tokenizer from vocab.json + merges.txt, as RobertaTokenizerFast builds it. */
export function createRobertaTokenizer(vocab: Map<string, number>, merges: Array<[string, string]>, opts: RobertaTokenizerOptions = {}): HfTokenizer {
  const names = opts.specialTokens ?? ROBERTA_SPECIAL_TOKENS;
  const need = (what: string, tok: string): number => {
    const id = vocab.get(tok);
    if (id === undefined) throw new Error(`the vocabulary has no ${what} token "${tok}"`);
    return id;
  };
  const cls = need('start', names.bos);
  const sep = need('end', names.eos);
  const pad = need('padding', names.pad);
  const unk = vocab.get(names.unk) ?? null;
  const mask = vocab.get(names.mask) ?? null;
  const specials: SpecialToken[] = [];
  for (const tok of [names.bos, names.pad, names.eos, names.unk]) {
    const id = vocab.get(tok);
    if (id !== undefined && !specials.some((s) => s.content === tok)) specials.push({ content: tok, id });
  }
  // <mask> swallows the space before it, so "a <mask>" predicts the word with its space.
  if (mask !== null) specials.push({ content: names.mask, id: mask, lstrip: true });
  const model = new BpeModel(vocab, merges, { ...BPE_DEFAULTS, unkToken: null });
  return new HfTokenizer({
    kind: 'bpe',
    source: opts.source ?? 'vocab.json + merges.txt',
    content: new PipelineContent(
      (t) => t,
      (t) => byteLevelPreTokenize(t, { addPrefixSpace: opts.addPrefixSpace ?? false, useRegex: true }),
      model,
    ),
    specialTokens: specials,
    template: opts.template ?? robertaTemplate(cls, sep),
    ids: { pad, unk, cls, sep, mask },
    vocabSize: maxId(vocab) + 1,
  });
}
