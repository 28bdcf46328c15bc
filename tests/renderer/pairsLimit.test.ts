import { describe, expect, it } from 'vitest';
import { jsonBytes, MAX_PAIRS_CONTENT_BYTES, MAX_REQUEST_BODY_BYTES, pairsContentFits } from '../../src/shared/limits';

// The UI's limit on a pairs file is the server's body limit (one constant), counted in the bytes the text takes in the call.
describe('pairs file limit', () => {
  it('counts UTF-8 bytes with JSON escapes', () => {
    expect(jsonBytes('ab')).toBe(4);
    expect(jsonBytes('a\tb\n')).toBe(2 + 6);
    expect(jsonBytes('句子')).toBe(2 + 6);
    expect(jsonBytes('😀')).toBe(2 + 4);
    expect(jsonBytes('\ud800')).toBe(2 + 6);
    expect(jsonBytes('é"')).toBe(Buffer.byteLength(JSON.stringify('é"'), 'utf8'));
  });

  it('fits a file exactly when its text fits in a request the server takes', () => {
    expect(MAX_PAIRS_CONTENT_BYTES).toBeLessThan(MAX_REQUEST_BODY_BYTES);
    const ascii = 'a'.repeat(MAX_PAIRS_CONTENT_BYTES - 2);
    expect(pairsContentFits(ascii)).toBe(true);
    expect(pairsContentFits(ascii + 'a')).toBe(false);
    // Chinese takes three bytes a character: a third of the characters already fills the call.
    const zh = '句'.repeat(Math.floor((MAX_PAIRS_CONTENT_BYTES - 2) / 3));
    expect(pairsContentFits(zh)).toBe(true);
    expect(pairsContentFits(zh + '句')).toBe(false);
    expect(pairsContentFits('a\tb\n'.repeat(1000))).toBe(true);
  });
});
