import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WordPieceModel, bertNormalize, bertPreTokenize, createBertTokenizer, parseVocabTxt } from '../../../src/engine/tokenize/wordpiece';
import { loadTokenizerFromFolder, tokenizerFromJson } from '../../../src/engine/tokenize/fromFolder';

const FIX = path.resolve(__dirname, '../../fixtures/hf');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'bert-expected.json'), 'utf8')) as {
  maxLength: number;
  cases: Array<{ text: string; ids: number[]; truncated: boolean }>;
  casedIds: number[][];
  pairs: Array<{ a: string; b: string; ids: number[]; typeIds: number[]; truncated: boolean }>;
};

function smallVocab(tokens: string[]): Map<string, number> {
  return new Map(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...tokens].map((t, i) => [t, i]));
}

describe('BERT normalizer and pre-tokenizer', () => {
  it('lowercases, strips accents and keeps base letters', () => {
    expect(bertNormalize('Héllo WÖRLD Ångström')).toBe('hello world angstrom');
  });

  it('keeps accents and case when the cased options are used', () => {
    const cased = { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: false };
    expect(bertNormalize('Héllo', cased)).toBe('Héllo');
  });

  it('removes control characters, NUL and U+FFFD but turns tabs and newlines into spaces', () => {
    expect(bertNormalize('a\u0000b\u0007c\u200bd\uFFFDe\tf\ng\r\nh\u00a0i')).toBe('abcde f g  h i');
  });

  it('puts spaces around CJK ideographs but not around kana', () => {
    expect(bertNormalize('中文テキスト')).toBe(' 中  文 テキスト');
  });

  it('lowercases a final capital sigma character by character (no context rule)', () => {
    expect(bertNormalize('ΟΔΟΣ', { cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: true })).toBe('οδοσ');
  });

  it('splits on whitespace and isolates every punctuation mark, ASCII symbols included', () => {
    expect(bertPreTokenize("don't stop... $5+x «q»")).toEqual(['don', "'", 't', 'stop', '.', '.', '.', '$', '5', '+', 'x', '«', 'q', '»']);
  });
});

describe('WordPiece model', () => {
  const vocab = smallVocab(['un', 'aff', '##aff', '##able', 'a', '##b', 'unaffable']);
  const model = new WordPieceModel(vocab);

  it('takes the longest vocabulary match first', () => {
    expect(model.tokenizeWord('unaffable')).toEqual([vocab.get('unaffable')]);
    expect(model.tokenizeWord('affable')).toEqual([vocab.get('aff'), vocab.get('##able')]);
  });

  it('turns a word that cannot be covered into a single [UNK]', () => {
    expect(model.tokenizeWord('abc')).toEqual([vocab.get('[UNK]')]);
  });

  it('maps words longer than 100 characters to [UNK]', () => {
    const m = new WordPieceModel(smallVocab(['a', '##a']));
    expect(m.tokenizeWord('a'.repeat(100))).toHaveLength(100);
    expect(m.tokenizeWord('a'.repeat(101))).toEqual([1]);
  });

  it('counts an emoji as one character', () => {
    const v = smallVocab(['😀', '##😀']);
    expect(new WordPieceModel(v).tokenizeWord('😀😀')).toEqual([v.get('😀'), v.get('##😀')]);
  });

  it('parses vocab.txt line numbers as ids (CRLF too)', () => {
    const v = parseVocabTxt('[PAD]\r\n[UNK]\r\nhello\r\n');
    expect([...v.entries()]).toEqual([
      ['[PAD]', 0],
      ['[UNK]', 1],
      ['hello', 2],
    ]);
  });

  it('refuses a vocabulary without the special tokens it needs', () => {
    expect(() => createBertTokenizer(new Map([['a', 0]]))).toThrow(/no start token "\[CLS\]"/);
  });
});

describe('BERT tokenizer against the reference fixtures', () => {
  const folders = ['bert-vocab', 'bert-tokjson'];

  for (const folder of folders) {
    describe(folder, () => {
      const { tokenizer, files } = loadTokenizerFromFolder(path.join(FIX, folder), 'bert');

      it('reads the expected files', () => {
        expect(files[0]).toBe(folder === 'bert-vocab' ? 'vocab.txt' : 'tokenizer.json');
        expect(tokenizer.kind).toBe('wordpiece');
      });

      it('gives the reference ids and truncation flag for every sentence', () => {
        for (const c of expected.cases) {
          const got = tokenizer.encode(c.text, { maxLength: expected.maxLength });
          expect({ text: c.text, ids: got.ids, truncated: got.truncated }).toEqual({ text: c.text, ids: c.ids, truncated: c.truncated });
        }
      });

      it('gives the reference pair encodings ([CLS] a [SEP] b [SEP], segment ids, longest-first truncation)', () => {
        for (const p of expected.pairs) {
          const got = tokenizer.encodePair(p.a, p.b, { maxLength: expected.maxLength });
          expect(got).toEqual({ ids: p.ids, typeIds: p.typeIds, truncated: p.truncated });
        }
      });
    });
  }

  it('matches the reference with lowercasing and accent stripping off (cased BERT)', () => {
    const vocab = parseVocabTxt(fs.readFileSync(path.join(FIX, 'bert-vocab', 'vocab.txt'), 'utf8'));
    const cased = createBertTokenizer(vocab, { normalizer: { cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false } });
    expected.cases.forEach((c, i) => {
      expect(cased.encode(c.text, { maxLength: expected.maxLength }).ids).toEqual(expected.casedIds[i]);
    });
  });
});

describe('BERT tokenizer on bad input', () => {
  const { tokenizer } = loadTokenizerFromFolder(path.join(FIX, 'bert-vocab'), 'bert');
  const cls = tokenizer.ids.cls;
  const sep = tokenizer.ids.sep;

  it('encodes the empty string and whitespace as [CLS] [SEP]', () => {
    expect(tokenizer.encode('', { maxLength: 16 })).toEqual({ ids: [cls, sep], truncated: false });
    expect(tokenizer.encode(' \t\n ', { maxLength: 16 })).toEqual({ ids: [cls, sep], truncated: false });
  });

  it('truncates a very long text to maxLength and says so', () => {
    const long = 'the quick brown fox '.repeat(5000);
    const r = tokenizer.encode(long, { maxLength: 40 });
    expect(r.ids).toHaveLength(40);
    expect(r.ids[0]).toBe(cls);
    expect(r.ids[39]).toBe(sep);
    expect(r.truncated).toBe(true);
    expect(tokenizer.encode('the quick brown fox', { maxLength: 6 })).toEqual({ ids: expect.any(Array), truncated: false });
  });

  it('tokenizes only the head of a long text, with the ids the full tokenization starts with', () => {
    const words = ['Héllo', 'wörld,', '中文', '[MASK]', 'unbelievable', 'ΣΊΣΥΦΟΣ', 'x'.repeat(120), '42.5%', '\u0007ctrl', 'dog\uD800'];
    const text = Array.from({ length: 20000 }, (_, i) => words[(i * 7) % words.length] + (i % 13 === 0 ? '\n\t' : ' ')).join('');
    const full = tokenizer.tokenize(text);
    for (const maxLength of [16, 40, 512]) {
      const r = tokenizer.encode(text, { maxLength });
      expect(r.truncated).toBe(true);
      expect(r.ids).toEqual([cls, ...full.slice(0, maxLength - 2), sep]);
    }
    const glued = 'ab'.repeat(50000); // no whitespace to cut at: tokenized whole
    expect(tokenizer.encode(glued, { maxLength: 8 })).toEqual({ ids: [cls, tokenizer.ids.unk!, sep], truncated: false });
  });

  it('refuses a maxLength too small for the special tokens', () => {
    expect(() => tokenizer.encode('a', { maxLength: 1 })).toThrow(RangeError);
    expect(() => tokenizer.encodePair('a', 'b', { maxLength: 2 })).toThrow(RangeError);
  });

  it('treats lone surrogates like U+FFFD (dropped by BERT cleaning)', () => {
    expect(tokenizer.encode('dog\uD800 cat\uDFFF', { maxLength: 16 })).toEqual(tokenizer.encode('dog cat', { maxLength: 16 }));
    expect(tokenizer.encode('\uDBFF', { maxLength: 16 }).ids).toEqual([cls, sep]);
  });

  it('ignores control characters', () => {
    expect(tokenizer.encode('\u0001\u0002do\u0000g\u001f', { maxLength: 16 })).toEqual(tokenizer.encode('dog', { maxLength: 16 }));
  });

  it('keeps special tokens written in the text as themselves', () => {
    const r = tokenizer.encode('a [MASK] b', { maxLength: 16 });
    expect(r.ids).toContain(tokenizer.ids.mask);
  });
});

describe('tokenizer.json variants', () => {
  const json = JSON.parse(fs.readFileSync(path.join(FIX, 'bert-tokjson', 'tokenizer.json'), 'utf8'));

  it('accepts the older BertProcessing post-processor', () => {
    const legacy = { ...json, post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] } };
    const a = tokenizerFromJson(legacy, 'bert');
    const b = tokenizerFromJson(json, 'bert');
    for (const c of expected.cases.slice(0, 8)) expect(a.encode(c.text, { maxLength: 40 })).toEqual(b.encode(c.text, { maxLength: 40 }));
    expect(a.encodePair('a cat', 'the dog', { maxLength: 40 })).toEqual(b.encodePair('a cat', 'the dog', { maxLength: 40 }));
  });

  it('builds a normalizer Sequence (NFD + Lowercase + StripAccents) that agrees with BertNormalizer on plain text', () => {
    const seq = {
      ...json,
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'Lowercase' }, { type: 'StripAccents' }] },
    };
    const t = tokenizerFromJson(seq, 'bert');
    // sentences without control characters or CJK, which only BertNormalizer treats specially
    for (const i of [0, 1, 2, 3, 4, 7, 15]) {
      expect(t.encode(expected.cases[i].text, { maxLength: 40 }).ids).toEqual(expected.cases[i].ids);
    }
  });

  it('names an unsupported component in its error', () => {
    expect(() => tokenizerFromJson({ ...json, model: { ...json.model, type: 'Unigram' } }, 'bert')).toThrow(
      /model type "Unigram" is not supported \(supported: WordPiece, BPE\)/,
    );
    expect(() => tokenizerFromJson({ ...json, normalizer: { type: 'Precompiled' } }, 'bert')).toThrow(/normalizer type "Precompiled" is not supported/);
    expect(() => tokenizerFromJson({ ...json, pre_tokenizer: { type: 'Metaspace' } }, 'bert')).toThrow(/pre_tokenizer type "Metaspace" is not supported/);
  });
});
