/** A piece of a text: `text === source.slice(start, end)` (UTF-16 offsets into the decoded text). */
export interface TextSpan {
  text: string;
  start: number;
  end: number;
}

export interface SplitSentencesOptions {
  /** BCP 47 locale passed to Intl.Segmenter (ICU's sentence rules barely depend on it). Default 'en'. */
  locale?: string;
  /**
   * Treat a single line break as a space, so lines wrapped inside a sentence (PDF text, hard-
   * wrapped prose) are not cut. A blank line always ends a sentence. Default true.
   */
  joinLines?: boolean;
}

export interface SplitPassagesOptions {
  /** Longest passage in characters; longer paragraphs are split at sentence boundaries. Default 1000. */
  maxChars?: number;
  locale?: string;
}

const segmenters = new Map<string, Intl.Segmenter>();
function sentenceSegmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: 'sentence' });
    segmenters.set(locale, s);
  }
  return s;
}

// ICU (Intl.Segmenter) has no abbreviation list in V8 ("Dr. Smith" is cut after "Dr."): these
// words followed by a period do not end a sentence. Lower case; matched on the word before '.'.
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms mx dr prof sr jr st mt gen col capt lt sgt cmdr adm gov sen rep rev hon pres mme mlle hr ' +
    'e.g i.e z.b d.h u.a bzw ggf evtl vgl cf vs approx ca al'
  ).split(/\s+/),
);
// These are ordinary words too ("I said no."), so they only count as abbreviations before a number.
const NUMBER_ABBREVIATIONS = new Set(
  'no nos nr vol vols p pp ch chap sec eq eqs fig figs art ref refs jan feb mar apr jun jul aug sep sept oct nov dec'.split(' '),
);
// Opening brackets and quotes that ICU may leave at the end of the previous sentence ("はい。「").
const OPENERS = '([{「『（［｛〈《【〔“‘«‹¿¡';

/**
 * Sentences of `text` with their offsets, using Intl.Segmenter (ICU rules: Latin . ! ?, CJK
 * 。！？ and full-width forms, quotes after the stop), plus fixes for ICU's gaps: common
 * abbreviations and initials do not end a sentence, and an opening bracket/quote stays with the
 * sentence it opens. Spans are trimmed of surrounding whitespace; empty ones are dropped.
 */
export function splitSentences(text: string, opts: SplitSentencesOptions = {}): TextSpan[] {
  if (!text) return [];
  const work = opts.joinLines === false ? text : joinSingleLineBreaks(text);
  const boundaries = [0, ...icuSentenceBoundaries(work, opts.locale ?? 'en'), text.length];

  const spans: TextSpan[] = [];
  let start = 0;
  for (let i = 1; i < boundaries.length; i++) {
    let end = boundaries[i];
    if (end < text.length) {
      end = pullBackOpeners(text, start, end);
      if ((endsWithAbbreviation(text, start, end) || quoteContinues(text, start, end)) && !isParagraphBreak(text, end)) continue;
    }
    pushTrimmed(text, start, end, spans);
    start = end;
  }
  return spans;
}

// V8's Intl.Segmenter iteration is quadratic in the input length (300k characters take ~15 s),
// so it is run over windows of this many characters: linear overall.
const ICU_WINDOW = 4096;

/** Sentence starts found by ICU, excluding 0 and text.length. */
function icuSentenceBoundaries(text: string, locale: string): number[] {
  const segmenter = sentenceSegmenter(locale);
  const out: number[] = [];
  let pos = 0;
  while (pos < text.length) {
    const end = Math.min(text.length, pos + ICU_WINDOW);
    const found: number[] = [];
    for (const seg of segmenter.segment(text.slice(pos, end))) {
      if (seg.index > 0) found.push(pos + seg.index);
    }
    if (end === text.length) {
      out.push(...found);
      break;
    }
    // The last segment of a window may have been cut by the window edge: resume from its start.
    if (found.length === 0) {
      pos = end; // one sentence longer than the window: no boundary inside it
      continue;
    }
    const resume = found.pop()!;
    out.push(...found, resume);
    pos = resume;
  }
  return out;
}

/**
 * Passages of `text`: paragraphs separated by blank lines; a paragraph longer than `maxChars`
 * is cut at sentence boundaries into chunks of at most `maxChars` (a single longer sentence is
 * cut at a space or CJK comma, or hard at `maxChars` when there is none).
 */
export function splitPassages(text: string, opts: SplitPassagesOptions = {}): TextSpan[] {
  const maxChars = Math.max(1, Math.floor(opts.maxChars ?? 1000));
  const out: TextSpan[] = [];
  const breaks = /\r?\n[ \t\f\v\u00a0]*(?:\r?\n[ \t\f\v\u00a0]*)+/g;
  let pos = 0;
  const paragraphs: [number, number][] = [];
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    paragraphs.push([pos, m.index]);
    pos = m.index + m[0].length;
  }
  paragraphs.push([pos, text.length]);

  for (const [pStart, pEnd] of paragraphs) {
    const para = trimSpan(text, pStart, pEnd);
    if (!para) continue;
    if (para.end - para.start <= maxChars) {
      out.push(para);
      continue;
    }
    const sentences = splitSentences(para.text, { locale: opts.locale }).map((s) => ({
      text: s.text,
      start: s.start + para.start,
      end: s.end + para.start,
    }));
    let chunkStart = -1;
    let chunkEnd = -1;
    const flush = () => {
      if (chunkStart >= 0) out.push({ text: text.slice(chunkStart, chunkEnd), start: chunkStart, end: chunkEnd });
      chunkStart = -1;
    };
    for (const s of sentences) {
      if (s.end - s.start > maxChars) {
        flush();
        for (const piece of hardSplit(text, s.start, s.end, maxChars)) out.push(piece);
        continue;
      }
      if (chunkStart >= 0 && s.end - chunkStart <= maxChars) {
        chunkEnd = s.end;
      } else {
        flush();
        chunkStart = s.start;
        chunkEnd = s.end;
      }
    }
    flush();
  }
  return out;
}

/** Single line breaks become spaces (same length, so offsets are unchanged); blank lines stay. */
function joinSingleLineBreaks(text: string): string {
  return text.replace(/\r?\n(?:[ \t\f\v\u00a0]*\r?\n)*/g, (m) => (/\n[^\n]*\n/.test(m) ? m : ' '.repeat(m.length)));
}

function isParagraphBreak(text: string, at: number): boolean {
  // The gap before `at` (the whitespace after the previous sentence) contains a blank line.
  let i = at - 1;
  let newlines = 0;
  while (i >= 0 && /\s/.test(text[i])) {
    if (text[i] === '\n') newlines++;
    i--;
  }
  return newlines >= 2;
}

function pullBackOpeners(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  let moved = false;
  while (e > start + 1 && OPENERS.includes(text[e - 1])) {
    e--;
    moved = true;
  }
  return moved ? e : end;
}

function endsWithAbbreviation(text: string, start: number, end: number): boolean {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  if (e <= start || text[e - 1] !== '.') return false;
  // The word before the final period, allowing inner periods (e.g, z.B).
  let b = e - 1;
  while (b > start && /[\p{L}.]/u.test(text[b - 1])) b--;
  const word = text.slice(b, e - 1);
  if (!word || word.endsWith('.')) return false; // "..." ellipsis
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) return true;
  if (NUMBER_ABBREVIATIONS.has(lower) && /^\s*\d/.test(text.slice(end, end + 8))) return true;
  // A single capital letter is an initial ("J. R. R. Tolkien").
  return /^\p{Lu}$/u.test(word);
}

/**
 * Japanese quotes: ICU ends the sentence after a closing bracket (「…。」|と彼は言った), but a
 * quotation followed by a kana particle continues the sentence.
 */
function quoteContinues(text: string, start: number, end: number): boolean {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e > start && '」』）)”’'.includes(text[e - 1]) && /^\p{Script=Hiragana}/u.test(text.slice(end, end + 2));
}

function pushTrimmed(text: string, start: number, end: number, out: TextSpan[]): void {
  const span = trimSpan(text, start, end);
  if (span) out.push(span);
}

function trimSpan(text: string, start: number, end: number): TextSpan | null {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  return s < e ? { text: text.slice(s, e), start: s, end: e } : null;
}

function hardSplit(text: string, start: number, end: number, maxChars: number): TextSpan[] {
  const out: TextSpan[] = [];
  let s = start;
  while (end - s > maxChars) {
    let cut = -1;
    // Prefer the last space or comma-like mark in the second half of the window.
    for (let i = s + maxChars; i > s + maxChars / 2; i--) {
      if (/[\s,;:，、；：]/.test(text[i - 1])) {
        cut = i;
        break;
      }
    }
    if (cut < 0) {
      cut = s + maxChars;
      const c = text.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut--; // never split a surrogate pair
    }
    const piece = trimSpan(text, s, cut);
    if (piece) out.push(piece);
    s = cut;
  }
  const last = trimSpan(text, s, end);
  if (last) out.push(last);
  return out;
}
