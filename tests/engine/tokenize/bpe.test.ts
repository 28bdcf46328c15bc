import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BpeModel,
  byteLevelPreTokenize,
  bytesToUnicode,
  createRobertaTokenizer,
  parseMergesTxt,
  parseVocabJson,
  toByteLevel,
} from '../../../src/engine/tokenize/bpe';
import { loadTokenizerFromFolder, tokenizerFromJson } from '../../../src/engine/tokenize/fromFolder';

const FIX = path.resolve(__dirname, '../../fixtures/hf');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'roberta-expected.json'), 'utf8')) as {
  maxLength: number;
  cases: Array<{ text: string; ids: number[]; truncated: boolean }>;
  pairs: Array<{ a: string; b: string; ids: number[]; typeIds: number[]; truncated: boolean }>;
};
const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('byte-level mapping', () => {
  it('maps the 256 bytes to 256 distinct printable characters', () => {
    const table = bytesToUnicode();
    expect(new Set(table).size).toBe(256);
    expect(table[0x41]).toBe('A');
    expect(table[0x20]).toBe('Ġ'); // space
    expect(table[0x0a]).toBe('Ċ'); // newline
    for (const ch of table) expect(/[\p{L}\p{N}\p{P}\p{S}]/u.test(ch)).toBe(true);
  });

  it('maps multi-byte characters to one symbol per UTF-8 byte', () => {
    expect(Array.from(toByteLevel('é'))).toHaveLength(2);
    expect(Array.from(toByteLevel('😀'))).toHaveLength(4);
  });

  it('splits with the GPT-2 pattern (contractions, letters, digits, other, spaces)', () => {
    const words = byteLevelPreTokenize("I'm  here: 42x!");
    const decode = (w: string) => w.replaceAll('Ġ', ' ');
    expect(words.map(decode)).toEqual(['I', "'m", ' ', ' here', ':', ' 42', 'x', '!']);
  });

  it('adds a prefix space only when asked', () => {
    expect(byteLevelPreTokenize('hi', { addPrefixSpace: true, useRegex: true })).toEqual(['Ġhi']);
    expect(byteLevelPreTokenize(' hi', { addPrefixSpace: true, useRegex: true })).toEqual(['Ġhi']);
    expect(byteLevelPreTokenize('hi')).toEqual(['hi']);
  });
});

describe('BPE merges', () => {
  const vocab = new Map(['a', 'b', 'c', 'ab', 'bc', 'abc', 'aa', 'aaa'].map((t, i) => [t, i]));

  it('applies the lowest-ranked pair first', () => {
    const m1 = new BpeModel(vocab, [
      ['a', 'b'],
      ['b', 'c'],
    ]);
    expect(m1.merge('abc')).toEqual(['ab', 'c']);
    const m2 = new BpeModel(vocab, [
      ['b', 'c'],
      ['a', 'b'],
    ]);
    expect(m2.merge('abc')).toEqual(['a', 'bc']);
  });

  it('merges repeated pairs left to right without overlap', () => {
    const m = new BpeModel(vocab, [['a', 'a']]);
    expect(m.merge('aaa')).toEqual(['aa', 'a']);
  });

  it('rejects a merge whose result is not in the vocabulary', () => {
    expect(() => new BpeModel(vocab, [['c', 'a']])).toThrow(/merge 1 \("c" \+ "a"\) makes "ca", which is not in the vocabulary/);
  });

  it('parses merges.txt with its #version line and reports a bad line', () => {
    expect(parseMergesTxt('#version: 0.2\nĠ t\nh e\n')).toEqual([
      ['Ġ', 't'],
      ['h', 'e'],
    ]);
    expect(() => parseMergesTxt('#version: 0.2\nabc\n')).toThrow(/line 2/);
  });

  it('rejects a vocab.json that is not token -> id', () => {
    expect(() => parseVocabJson('[1,2]')).toThrow(/not a JSON object/);
    expect(() => parseVocabJson('{"a": "x"}')).toThrow(/token "a"/);
  });
});

describe('RoBERTa tokenizer against the reference fixtures', () => {
  for (const folder of ['roberta-bpe', 'roberta-tokjson']) {
    describe(folder, () => {
      const { tokenizer, files } = loadTokenizerFromFolder(path.join(FIX, folder), 'roberta');

      it('reads the expected files', () => {
        expect(files[0]).toBe(folder === 'roberta-bpe' ? 'vocab.json' : 'tokenizer.json');
        expect(tokenizer.kind).toBe('bpe');
      });

      it('gives the reference ids and truncation flag for every sentence', () => {
        for (const c of expected.cases) {
          const got = tokenizer.encode(c.text, { maxLength: expected.maxLength });
          expect({ text: c.text, ids: got.ids, truncated: got.truncated }).toEqual({ text: c.text, ids: c.ids, truncated: c.truncated });
        }
      });

      it('gives the reference pair encodings (<s> a </s></s> b </s>, longest-first truncation)', () => {
        for (const p of expected.pairs) {
          expect(tokenizer.encodePair(p.a, p.b, { maxLength: expected.maxLength })).toEqual({ ids: p.ids, typeIds: p.typeIds, truncated: p.truncated });
        }
      });
    });
  }

  it('reads tokenizer.json merges written as "a b" strings the same as [a, b] pairs', () => {
    const json = JSON.parse(fs.readFileSync(path.join(FIX, 'roberta-tokjson', 'tokenizer.json'), 'utf8'));
    const asStrings = { ...json, model: { ...json.model, merges: json.model.merges.map((m: string[]) => m.join(' ')) } };
    const t = tokenizerFromJson(asStrings, 'roberta');
    for (const c of expected.cases) expect(t.encode(c.text, { maxLength: expected.maxLength }).ids).toEqual(c.ids);
  });

  it('reads a Sequence post-processor (ByteLevel + TemplateProcessing) like RobertaProcessing', () => {
    const json = JSON.parse(fs.readFileSync(path.join(FIX, 'roberta-tokjson', 'tokenizer.json'), 'utf8'));
    const s = json.post_processor.cls[1];
    const e = json.post_processor.sep[1];
    const template = {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [s], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [e], tokens: ['</s>'] } },
    };
    const t = tokenizerFromJson(
      { ...json, post_processor: { type: 'Sequence', processors: [{ type: 'ByteLevel', trim_offsets: true }, template] } },
      'roberta',
    );
    for (const p of expected.pairs) expect(t.encodePair(p.a, p.b, { maxLength: expected.maxLength }).ids).toEqual(p.ids);
  });
});

describe('RoBERTa tokenizer on bad input', () => {
  const { tokenizer } = loadTokenizerFromFolder(path.join(FIX, 'roberta-bpe'), 'roberta');
  const { cls, sep } = tokenizer.ids;

  it('encodes the empty string as <s> </s>', () => {
    expect(tokenizer.encode('', { maxLength: 16 })).toEqual({ ids: [cls, sep], truncated: false });
  });

  it('truncates a very long text to maxLength and says so', () => {
    const r = tokenizer.encode('a man is playing a guitar. '.repeat(3000), { maxLength: 64 });
    expect(r.ids).toHaveLength(64);
    expect(r.ids[63]).toBe(sep);
    expect(r.truncated).toBe(true);
  });

  it('tokenizes only the head of a long text, with the ids the full tokenization starts with', () => {
    const words = ['Héllo', 'wörld,', '中文', '<mask>', 'unbelievable', '😀', "they'll", '   ', '42.5%', 'dog\uD800', '\u0001'];
    const text = Array.from({ length: 20000 }, (_, i) => words[(i * 5) % words.length] + (i % 11 === 0 ? '\n' : ' ')).join('');
    const full = tokenizer.tokenize(text);
    for (const maxLength of [8, 64]) {
      const r = tokenizer.encode(text, { maxLength });
      expect(r).toEqual({ ids: [cls, ...full.slice(0, maxLength - 2), sep], truncated: true });
    }
    const pair = tokenizer.encodePair(text, 'short', { maxLength: 32 });
    const b = tokenizer.tokenize('short');
    const keptA = 32 - 4 - b.length; // longest-first cuts only the long text
    expect(pair).toEqual({ ids: [cls, ...full.slice(0, keptA), sep, sep, ...b, sep], typeIds: new Array(32).fill(0), truncated: true });
  });

  it('encodes a lone surrogate as U+FFFD (its three UTF-8 bytes)', () => {
    expect(tokenizer.encode('x\uD800y', { maxLength: 16 })).toEqual(tokenizer.encode('x\uFFFDy', { maxLength: 16 }));
    expect(tokenizer.encode('\uDC00', { maxLength: 16 }).ids.length).toBeGreaterThan(2);
  });

  it('keeps control characters as bytes (byte-level BPE loses nothing)', () => {
    const withCtrl = tokenizer.encode('a\u0001b', { maxLength: 16 }).ids;
    expect(withCtrl).not.toEqual(tokenizer.encode('ab', { maxLength: 16 }).ids);
  });

  it('lets <mask> swallow the space before it', () => {
    const a = tokenizer.encode('the <mask>', { maxLength: 16 }).ids;
    const b = tokenizer.encode('the<mask>', { maxLength: 16 }).ids;
    expect(a).toEqual(b);
    expect(a).toContain(tokenizer.ids.mask);
  });
});

describe('legacy RoBERTa options', () => {
  it('honours add_prefix_space from tokenizer_config.json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpe-'));
    tmpDirs.push(dir);
    for (const f of ['vocab.json', 'merges.txt']) fs.copyFileSync(path.join(FIX, 'roberta-bpe', f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ add_prefix_space: true }));
    const withSpace = loadTokenizerFromFolder(dir, 'roberta').tokenizer;
    const plain = loadTokenizerFromFolder(path.join(FIX, 'roberta-bpe'), 'roberta').tokenizer;
    expect(withSpace.encode('cat', { maxLength: 16 })).toEqual(plain.encode(' cat', { maxLength: 16 }));
  });

  it('creates a tokenizer from in-memory vocab and merges', () => {
    const vocab = parseVocabJson(fs.readFileSync(path.join(FIX, 'roberta-bpe', 'vocab.json'), 'utf8'));
    const merges = parseMergesTxt(fs.readFileSync(path.join(FIX, 'roberta-bpe', 'merges.txt'), 'utf8'));
    const t = createRobertaTokenizer(vocab, merges);
    expect(t.encode(expected.cases[0].text, { maxLength: 64 }).ids).toEqual(expected.cases[0].ids);
  });
});
