import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The original USE tokenizer, as shipped by @energetic-ai/embeddings (dev dependency, used
// only here as the reference). Its Tokenizer class is reachable through EmbeddingsModel.
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { SentencePieceTokenizer, normalizeForSentencePiece } from '../../../src/engine/tokenize/sentencepiece';
import { awkwardInputs, generateSentences, rng, sharedDataSentences, useLiteModelDir } from '../models/use-lite-fixtures';

const vocabPath = `${useLiteModelDir()}/vocab.json`;
const vocab = JSON.parse(readFileSync(vocabPath, 'utf8')) as Array<[string, number | null]>;
const tokenizer = SentencePieceTokenizer.fromVocabFile(vocabPath);
const reference = (
  new EmbeddingsModel({ vocabulary: vocab, model: null } as never) as unknown as {
    tokenizer: { encode(text: string): number[] };
  }
).tokenizer;

describe('SentencePieceTokenizer vs the original USE tokenizer', () => {
  // Superset of the sentences the parity test embeds (same generators, same seeds).
  const sentences = [...generateSentences(400), ...sharedDataSentences(400), ...awkwardInputs()];

  it('produces identical ids on generated, shared-data and awkward sentences', () => {
    expect(sentences.length).toBeGreaterThanOrEqual(800);
    const mismatches: string[] = [];
    let tokens = 0;
    for (const s of sentences) {
      const want = reference.encode(s);
      const got = tokenizer.tokenize(s);
      tokens += want.length;
      if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
    expect(tokens).toBeGreaterThan(10_000);
  });

  it('matches on random character soup (unknowns, duplicates, null-score pieces)', () => {
    const r = rng(7);
    const alphabet = [...'abcXYZ019 .,:;()”5-\'"!?\t\n', '\u2581', 'é', '東', '😀', '\ud800', '\udc00', '\u0000', '\ufffd'];
    for (let i = 0; i < 300; i++) {
      let s = '';
      const len = Math.floor(r() * 40);
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(r() * alphabet.length)];
      expect(tokenizer.tokenize(s), JSON.stringify(s)).toEqual(reference.encode(s));
    }
  });

  it('matches on a 5,000-character text', () => {
    const long = generateSentences(200, 5).join(' ').slice(0, 5000);
    expect(tokenizer.tokenize(long)).toEqual(reference.encode(long));
  });
});

describe('SentencePieceTokenizer behaviour', () => {
  it('normalises like the original: NFKC, ▁ prefix, spaces only', () => {
    expect(normalizeForSentencePiece('')).toBe('');
    expect(normalizeForSentencePiece('a b')).toBe('\u2581a\u2581b');
    expect(normalizeForSentencePiece('ﬁ １')).toBe('\u2581fi\u25811');
    expect(normalizeForSentencePiece('a\tb')).toBe('\u2581a\tb');
  });

  it('maps uncovered characters to one unknown id per run', () => {
    const ids = tokenizer.tokenize('\u0000\u0001\u0002');
    expect(ids.filter((id) => id === tokenizer.unkId).length).toBe(1);
    expect(tokenizer.tokenize('')).toEqual([]);
    // A lone surrogate is one unknown symbol, not a crash.
    expect(tokenizer.tokenize('a \ud800 b')).toContain(tokenizer.unkId);
  });

  it('truncates to maxLength and reports it', () => {
    const text = generateSentences(30, 11).join(' ');
    const all = tokenizer.tokenize(text);
    expect(all.length).toBeGreaterThan(40);
    const cut = tokenizer.encode(text, { maxLength: 40 });
    expect(cut).toEqual({ ids: all.slice(0, 40), truncated: true });
    expect(tokenizer.encode('a cat', { maxLength: 40 })).toEqual({ ids: tokenizer.tokenize('a cat'), truncated: false });
  });

  it('handles a 100,000-character text quickly', () => {
    const huge = 'The quick brown fox jumps over the lazy dog. '.repeat(2300).slice(0, 100_000);
    expect(huge.length).toBe(100_000);
    const start = performance.now();
    const out = tokenizer.encode(huge, { maxLength: 128 });
    const ms = performance.now() - start;
    expect(out.ids).toHaveLength(128);
    expect(out.truncated).toBe(true);
    expect(out.ids).toEqual(tokenizer.tokenize(huge.slice(0, 2000)).slice(0, 128));
    expect(ms).toBeLessThan(5000);
  });

  it('encodes pairs as a </s> b with segment ids, trimming the longer text first', () => {
    const a = tokenizer.tokenize('A man is playing a flute.');
    const b = tokenizer.tokenize('Someone plays an instrument.');
    const pair = tokenizer.encodePair('A man is playing a flute.', 'Someone plays an instrument.', { maxLength: 128 });
    expect(pair.ids).toEqual([...a, tokenizer.sepId, ...b]);
    expect(pair.typeIds).toEqual([...a.map(() => 0), 0, ...b.map(() => 1)]);
    expect(pair.truncated).toBe(false);
    expect(tokenizer.idToPiece(tokenizer.sepId)).toBe('</s>');

    const longA = generateSentences(10, 3).join(' ');
    const short = 'a short one';
    const cut = tokenizer.encodePair(longA, short, { maxLength: 32 });
    expect(cut.ids).toHaveLength(32);
    expect(cut.truncated).toBe(true);
    const shortIds = tokenizer.tokenize(short);
    expect(cut.ids.slice(-shortIds.length)).toEqual(shortIds);
    expect(cut.typeIds.filter((t) => t === 1)).toHaveLength(shortIds.length);
  });
});
