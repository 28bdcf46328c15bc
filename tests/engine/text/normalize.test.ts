import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash, normalizeForHash } from '../../../src/engine/text';

describe('normalizeForHash', () => {
  it('makes case, whitespace and punctuation variants equal', () => {
    const variants = [
      'The quick brown fox — "jumps" over the lazy dog.',
      'the quick brown fox - “jumps” over the lazy dog',
      '  THE   QUICK\tBROWN\nFOX -- jumps... over the lazy dog!!! ',
      'The quick brown fox – ‘jumps’ over the lazy dog。',
    ];
    const normalized = new Set(variants.map(normalizeForHash));
    expect(normalized.size).toBe(1);
    const [only] = normalized;
    expect(only).toBe(only.trim());
    expect(only).not.toMatch(/\s{2}|[A-Z"“”'‘’.!—–-]/);
  });

  it('applies NFKC (full-width letters, ligatures, composed accents) and full case folding', () => {
    expect(normalizeForHash('ＡＢＣ１２３')).toBe(normalizeForHash('abc123'));
    expect(normalizeForHash('ﬁnance')).toBe(normalizeForHash('finance'));
    expect(normalizeForHash('cafe\u0301')).toBe(normalizeForHash('café'));
    expect(normalizeForHash('STRASSE')).toBe(normalizeForHash('Straße'));
    expect(normalizeForHash('ΟΔΟΣ')).toBe(normalizeForHash('οδος'));
  });

  it('drops invisible format characters', () => {
    expect(normalizeForHash('zero\u200Bwidth soft\u00ADhyphen\uFEFF')).toBe(normalizeForHash('zerowidth softhyphen'));
  });

  it('ignores spaces between CJK characters and full-width punctuation', () => {
    expect(normalizeForHash('机器 学习 是 人工智能。')).toBe(normalizeForHash('机器学习是人工智能'));
    expect(normalizeForHash('「こんにちは」、世界！')).toBe(normalizeForHash('こんにちは 世界'));
  });

  it('keeps texts that differ in words or accents apart', () => {
    expect(normalizeForHash('the cat sat')).not.toBe(normalizeForHash('the cat sit'));
    expect(normalizeForHash('résumé')).not.toBe(normalizeForHash('resume'));
    expect(normalizeForHash('3 + 4 = 7')).not.toBe(normalizeForHash('3 4 7'));
  });
});

describe('contentHash', () => {
  it('is the sha256 hex of the normalized text, equal for variants and different otherwise', () => {
    const h = contentHash('Hello, World!');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(createHash('sha256').update(normalizeForHash('Hello, World!'), 'utf8').digest('hex'));
    expect(contentHash('hello world')).toBe(h);
    expect(contentHash('hello worlds')).not.toBe(h);
  });
});
