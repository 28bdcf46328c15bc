import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash, normalizeForHash } from '../../../src/engine/text';
import { hasWords } from '../../../src/engine/text/normalize';

describe('normalizeForHash (exact means exact)', () => {
  it('makes whitespace and line-end variants equal', () => {
    const variants = [
      'The quick brown fox\njumps.',
      '  The quick   brown fox\r\njumps.  ',
      'The\tquick brown\u00a0fox\u2028jumps.',
      '\uFEFFThe quick brown fox\rjumps.',
    ];
    expect(new Set(variants.map(normalizeForHash)).size).toBe(1);
    expect(normalizeForHash(variants[1])).toBe('The quick brown fox jumps.');
  });

  it('applies canonical composition (NFC) only: composed accents equal, compatibility forms and case not', () => {
    expect(normalizeForHash('cafe\u0301')).toBe(normalizeForHash('café'));
    expect(normalizeForHash('ＡＢＣ１２３')).not.toBe(normalizeForHash('ABC123'));
    expect(normalizeForHash('ﬁnance')).not.toBe(normalizeForHash('finance'));
    expect(normalizeForHash('STRASSE')).not.toBe(normalizeForHash('Straße'));
    expect(normalizeForHash('The Cat')).not.toBe(normalizeForHash('the cat'));
  });

  it('keeps digits, signs and punctuation: the issue example is not exact', () => {
    expect(normalizeForHash('balance: -500 EUR ... 1.5.2024.')).not.toBe(normalizeForHash('500 EUR ... 1 5 2024!'));
    expect(normalizeForHash('3 + 4 = 7')).not.toBe(normalizeForHash('3 4 7'));
    expect(normalizeForHash('"quoted"')).not.toBe(normalizeForHash('“quoted”'));
    expect(normalizeForHash('résumé')).not.toBe(normalizeForHash('resume'));
  });

  it('tells texts with words from texts of punctuation only', () => {
    expect(hasWords('----- * -----')).toBe(false);
    expect(hasWords('\u200b  ...')).toBe(false);
    expect(hasWords('-- 42 --')).toBe(true);
    expect(hasWords('机器学习')).toBe(true);
  });
});

describe('contentHash', () => {
  it('is the sha256 hex of the normalized text, equal for whitespace variants and different otherwise', () => {
    const h = contentHash('Hello, World!');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).toBe(createHash('sha256').update(normalizeForHash('Hello, World!'), 'utf8').digest('hex'));
    expect(contentHash('Hello,\r\n  World! ')).toBe(h);
    expect(contentHash('hello world')).not.toBe(h);
  });
});
