import { describe, expect, it } from 'vitest';
import { splitPassages, splitSentences, type TextSpan } from '../../../src/engine/text';
import { SAMPLES } from './fixtures';

/** Every span must be the exact slice of the source it claims to be, trimmed, in order, non-overlapping. */
function expectValidSpans(source: string, spans: TextSpan[]): void {
  let last = 0;
  for (const s of spans) {
    expect(source.slice(s.start, s.end)).toBe(s.text);
    expect(s.text).toBe(s.text.trim());
    expect(s.text.length).toBeGreaterThan(0);
    expect(s.start).toBeGreaterThanOrEqual(last);
    last = s.end;
  }
}

const texts = (spans: TextSpan[]) => spans.map((s) => s.text);

describe('splitSentences', () => {
  it('splits English at . ! ? and keeps abbreviations, initials, decimals inside sentences', () => {
    const source =
      'Dr. Smith went to Washington. He arrived at 3 p.m. on Monday! Was it raining? ' +
      'Yes, e.g. the streets were wet. The U.S. economy grew 3.5% in 2020. Mr. Jones agreed. ' +
      'See Fig. 3 for details. I said no. Then I left. J. R. R. Tolkien wrote books.';
    const spans = splitSentences(source);
    expectValidSpans(source, spans);
    expect(texts(spans)).toEqual([
      'Dr. Smith went to Washington.',
      'He arrived at 3 p.m. on Monday!',
      'Was it raining?',
      'Yes, e.g. the streets were wet.',
      'The U.S. economy grew 3.5% in 2020.',
      'Mr. Jones agreed.',
      'See Fig. 3 for details.',
      'I said no.',
      'Then I left.',
      'J. R. R. Tolkien wrote books.',
    ]);
  });

  it('splits Chinese at 。！？ without spaces', () => {
    const source = '机器学习是人工智能的一个分支。它使计算机能够从数据中学习！真的吗？是的，当然。';
    const spans = splitSentences(source);
    expectValidSpans(source, spans);
    expect(texts(spans)).toEqual(['机器学习是人工智能的一个分支。', '它使计算机能够从数据中学习！', '真的吗？', '是的，当然。']);
  });

  it('splits Japanese and keeps a quotation with its sentence', () => {
    const source = '機械学習は人工知能の一分野です。本当？はい。「これは文です。」と彼は言った。次の文。';
    const spans = splitSentences(source);
    expectValidSpans(source, spans);
    expect(texts(spans)).toEqual(['機械学習は人工知能の一分野です。', '本当？', 'はい。', '「これは文です。」と彼は言った。', '次の文。']);
  });

  it('splits mixed-language text and reports offsets into the original string', () => {
    const source = `  ${SAMPLES.english}\n\n${SAMPLES.chinese}  `;
    const spans = splitSentences(source);
    expectValidSpans(source, spans);
    expect(spans.length).toBe(3 + 4);
    expect(spans[0].start).toBe(2);
    expect(spans[spans.length - 1].end).toBe(source.length - 2);
  });

  it('joins lines wrapped inside a sentence unless asked not to, and always breaks at blank lines', () => {
    const source = 'This line is wrapped\nin the middle of a sentence. And this\nis another one.\n\nNo final stop\n\nLast one';
    const joined = splitSentences(source);
    expectValidSpans(source, joined);
    expect(texts(joined)).toEqual(['This line is wrapped\nin the middle of a sentence.', 'And this\nis another one.', 'No final stop', 'Last one']);
    const byLine = splitSentences(source, { joinLines: false });
    expectValidSpans(source, byLine);
    expect(texts(byLine)).toContain('This line is wrapped');
  });

  it('does not merge an abbreviation across a paragraph break', () => {
    const source = 'Signed by Dr.\n\nNext paragraph starts.';
    expect(texts(splitSentences(source))).toEqual(['Signed by Dr.', 'Next paragraph starts.']);
  });

  it('stays fast on long text, and its windowed segmentation finds every sentence', () => {
    const unit = `${SAMPLES.english} ${SAMPLES.chinese} ${SAMPLES.japanese} `;
    const perUnit = splitSentences(unit).length;
    const source = unit.repeat(1000); // ~ 390k characters: minutes if Intl.Segmenter ran over it whole
    const t0 = performance.now();
    const spans = splitSentences(source);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(spans.length).toBe(perUnit * 1000);
    expectValidSpans(source, spans);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\t ')).toEqual([]);
  });
});

describe('splitPassages', () => {
  it('splits paragraphs at blank lines (including lines of spaces and CRLF)', () => {
    const source = 'First paragraph\nstill first.\r\n \r\nSecond paragraph.\n\n\n\n  Third.  \n';
    const spans = splitPassages(source);
    expectValidSpans(source, spans);
    expect(texts(spans)).toEqual(['First paragraph\nstill first.', 'Second paragraph.', 'Third.']);
  });

  it('cuts long English paragraphs at sentence boundaries within maxChars', () => {
    const sentences = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} says something fairly ordinary.`);
    const source = sentences.join(' ');
    const maxChars = 120;
    const spans = splitPassages(source, { maxChars });
    expectValidSpans(source, spans);
    expect(spans.length).toBeGreaterThan(1);
    for (const s of spans) {
      expect(s.text.length).toBeLessThanOrEqual(maxChars);
      // Each passage is a run of whole sentences.
      expect(sentences.some((x) => s.text.startsWith(x))).toBe(true);
      expect(sentences.some((x) => s.text.endsWith(x))).toBe(true);
    }
    // Nothing lost: the passages hold all sentences in order.
    expect(texts(spans).join(' ')).toBe(source);
  });

  it('cuts long Chinese and Japanese paragraphs at 。！？', () => {
    for (const sample of [SAMPLES.chinese, SAMPLES.japanese]) {
      const source = sample.repeat(4);
      const spans = splitPassages(source, { maxChars: 80 });
      expectValidSpans(source, spans);
      expect(texts(spans).join('')).toBe(source);
      for (const s of spans) {
        expect(s.text.length).toBeLessThanOrEqual(80);
        expect('。！？').toContain(s.text[s.text.length - 1]);
      }
    }
  });

  it('hard-splits a single sentence longer than maxChars, preferring spaces, never splitting surrogate pairs', () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const spans = splitPassages(words, { maxChars: 50 });
    expectValidSpans(words, spans);
    for (const s of spans) {
      expect(s.text.length).toBeLessThanOrEqual(50);
      expect(s.text).toMatch(/^word\d+( word\d+)*$/);
    }
    const emoji = '😀'.repeat(30);
    const pieces = splitPassages(emoji, { maxChars: 7 });
    expectValidSpans(emoji, pieces);
    expect(pieces.map((p) => p.text).join('')).toBe(emoji);
    for (const p of pieces) expect([...p.text].every((c) => c === '😀')).toBe(true);
  });

  it('keeps short paragraphs whole', () => {
    const source = `${SAMPLES.english}\n\n${SAMPLES.french}`;
    expect(texts(splitPassages(source, { maxChars: 10_000 }))).toEqual([SAMPLES.english, SAMPLES.french]);
  });
});
