/**
 * Token ids checked against the reference implementation: @huggingface/transformers (the
 * JavaScript port of Hugging Face tokenizers) loads the same tokenizer.json, offline, and both
 * encode the same texts: the fixtures' sentences, tricky Unicode, and text nobody here wrote
 * (this machine's license files and READMEs of installed packages).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { loadTokenizerFromFolder, type TokenizerFamily } from '../../../src/engine/tokenize/fromFolder';

const FIX = path.resolve(import.meta.dirname, '../../fixtures/hf');
const root = path.resolve(import.meta.dirname, '../../..');

function readJson(file: string): Record<string, unknown> {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

/** The reference tokenizer from the folder's own files; nothing is fetched. */
function reference(dir: string): PreTrainedTokenizer {
  return new PreTrainedTokenizer(readJson(path.join(dir, 'tokenizer.json')), readJson(path.join(dir, 'tokenizer_config.json')));
}

const WRITTEN = [
  'The quick brown fox jumps over the lazy dog.',
  'Héllo WÖRLD Ångström — naïve café, déjà vu!',
  'tabs\tand\nnew lines\r\nand  double  spaces',
  '中文テキストと한국어 mixed with English',
  'emoji 😀👍🏽 and symbols ©®™ ½ ∑ √2',
  "don't can't it's O'Neill's 3.14159 1,000,000 e-mail@example.com https://example.org/a?b=c",
  '   leading and trailing spaces   ',
  'UPPER lower MiXeD',
  'a',
  '',
];

/** Lines of text files that come with this machine and its packages, not written by this project. */
function foreignLines(limit: number): string[] {
  const candidates = [
    '/usr/share/common-licenses/Apache-2.0',
    '/usr/share/common-licenses/GPL-3',
    path.join(root, 'node_modules/zod/README.md'),
    path.join(root, 'node_modules/marked/README.md'),
    path.join(root, 'node_modules/iconv-lite/README.md'),
  ];
  const lines: string[] = [];
  for (const f of candidates) {
    if (!fs.existsSync(f)) continue;
    for (const l of fs.readFileSync(f, 'utf8').split('\n')) if (l.trim().length > 3) lines.push(l);
  }
  // Every k-th line, so the sample spans the files.
  const k = Math.max(1, Math.floor(lines.length / limit));
  return lines.filter((_, i) => i % k === 0).slice(0, limit);
}

const cases: { folder: string; family: TokenizerFamily }[] = [
  { folder: 'bert-tokjson', family: 'bert' },
  { folder: 'roberta-tokjson', family: 'roberta' },
];

describe.each(cases)('$folder against @huggingface/transformers', ({ folder, family }) => {
  const dir = path.join(FIX, folder);
  const ref = reference(dir);
  const ours = loadTokenizerFromFolder(dir, family).tokenizer;
  const texts = [...WRITTEN, ...foreignLines(300)];
  const LONG = 100_000;

  it('gives the same ids for single texts', () => {
    expect(texts.length).toBeGreaterThan(100);
    const mismatches = texts
      .map((text) => ({ text, ours: ours.encode(text, { maxLength: LONG }).ids, reference: ref.encode(text) }))
      .filter((m) => JSON.stringify(m.ours) !== JSON.stringify(m.reference));
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('gives the same ids for pairs', () => {
    const mismatches = texts.slice(0, 120).flatMap((a, i) => {
      const b = texts[(i * 7 + 3) % texts.length]!;
      const o = ours.encodePair!(a, b, { maxLength: LONG }).ids;
      const r = ref.encode(a, { text_pair: b });
      return JSON.stringify(o) === JSON.stringify(r) ? [] : [{ a, b, ours: o, reference: r }];
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('truncates a long text as Hugging Face tokenizers do: the text is cut, the special tokens stay', () => {
    // transformers.js cuts after adding the special tokens (its output for max_length 8 ends
    // without [SEP]); the Python library, which models were trained with, cuts the text's tokens
    // and then adds them. So the expectation is built from the reference's untruncated encoding.
    const long = foreignLines(40).join(' ');
    const full = ref.encode(long);
    const body = ref.encode(long, { add_special_tokens: false });
    const [first, last] = [full[0]!, full.at(-1)!];
    expect(full).toEqual([first, ...body, last]);
    for (const maxLength of [8, 16, 40]) {
      const o = ours.encode(long, { maxLength });
      expect(o.truncated).toBe(true);
      expect(o.ids).toEqual([first, ...body.slice(0, maxLength - 2), last]);
    }
  });
});
