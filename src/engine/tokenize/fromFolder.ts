/**
 * Pick and load the tokenizer of a Hugging Face model folder:
 *   1. tokenizer.json (the `tokenizers` format: WordPiece or BPE model) when present;
 *   2. else the legacy files of the model type: vocab.txt (BERT) or vocab.json + merges.txt
 *      (RoBERTa), with tokenizer_config.json / special_tokens_map.json for the options.
 * Every failure is a TokenizerFilesError whose message names the file and what is wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  HfTokenizer,
  PipelineContent,
  bertTemplate,
  maxId,
  robertaTemplate,
  type PostTemplate,
  type SpecialToken,
  type TemplatePiece,
  type WordModel,
} from './pipeline';
import {
  BERT_SPECIAL_TOKENS,
  WORDPIECE_DEFAULTS,
  WordPieceModel,
  bertNormalize,
  bertPreTokenize,
  createBertTokenizer,
  lowercasePerChar,
  parseVocabTxt,
  type BertNormalizerOptions,
} from './wordpiece';
import { BPE_DEFAULTS, BpeModel, ROBERTA_SPECIAL_TOKENS, byteLevelPreTokenize, createRobertaTokenizer, parseMergesTxt, parseVocabJson } from './bpe';

export class TokenizerFilesError extends Error {
  override name = 'TokenizerFilesError';
}

export type TokenizerFamily = 'bert' | 'roberta';

export interface LoadedTokenizer {
  tokenizer: HfTokenizer;
  /** Files it was built from, relative to the folder. */
  files: string[];
  /** tokenizer_config.json model_max_length when it is a real limit (not the 1e30 "unset"). */
  modelMaxLength: number | null;
}

const SUPPORTED_FILES = 'tokenizer.json, or vocab.txt (BERT), or vocab.json + merges.txt (RoBERTa)';

/**
 * Load the tokenizer of `dir`. `family` chooses the legacy files and the default special
 * tokens when there is no tokenizer.json.
 */
export function loadTokenizerFromFolder(dir: string, family: TokenizerFamily): LoadedTokenizer {
  const has = (f: string) => fs.existsSync(path.join(dir, f));
  const tokConfig = readOptionalJson(dir, 'tokenizer_config.json');
  const specialMap = readOptionalJson(dir, 'special_tokens_map.json');
  const names = specialTokenNames(family, tokConfig, specialMap);
  const modelMaxLength = realMaxLength(tokConfig?.model_max_length);
  const extraFiles = ['tokenizer_config.json', 'special_tokens_map.json'].filter(has);

  if (has('tokenizer.json')) {
    const json = readJson(dir, 'tokenizer.json');
    const tokenizer = wrap('tokenizer.json', () => tokenizerFromJson(json, family, names));
    return { tokenizer, files: ['tokenizer.json', ...extraFiles], modelMaxLength };
  }

  if (family === 'bert') {
    if (!has('vocab.txt')) {
      throw new TokenizerFilesError(`tokenizer files missing: found neither tokenizer.json nor vocab.txt (a BERT model needs one of them)`);
    }
    const vocab = wrap('vocab.txt', () => parseVocabTxt(readText(dir, 'vocab.txt')));
    if (vocab.size === 0) throw new TokenizerFilesError('vocab.txt is empty');
    const lowercase = optionalBool(tokConfig?.do_lower_case, 'tokenizer_config.json do_lower_case') ?? true;
    const normalizer: BertNormalizerOptions = {
      cleanText: true,
      handleChineseChars: optionalBool(tokConfig?.tokenize_chinese_chars, 'tokenizer_config.json tokenize_chinese_chars') ?? true,
      stripAccents: optionalBool(tokConfig?.strip_accents, 'tokenizer_config.json strip_accents') ?? null,
      lowercase,
    };
    const tokenizer = wrap('vocab.txt', () =>
      createBertTokenizer(vocab, {
        normalizer,
        specialTokens: { unk: names.unk, cls: names.cls, sep: names.sep, pad: names.pad, mask: names.mask },
        source: 'vocab.txt',
      }),
    );
    return { tokenizer, files: ['vocab.txt', ...extraFiles], modelMaxLength };
  }

  if (!has('vocab.json') || !has('merges.txt')) {
    const found = ['vocab.json', 'merges.txt'].filter(has);
    throw new TokenizerFilesError(
      `tokenizer files missing: found neither tokenizer.json nor vocab.json + merges.txt` +
        (found.length ? ` (only ${found.join(', ')} is there)` : '') +
        ` (a RoBERTa model needs one of them)`,
    );
  }
  const vocab = wrap('vocab.json', () => parseVocabJson(readText(dir, 'vocab.json')));
  const merges = wrap('merges.txt', () => parseMergesTxt(readText(dir, 'merges.txt')));
  const tokenizer = wrap('vocab.json + merges.txt', () =>
    createRobertaTokenizer(vocab, merges, {
      specialTokens: { bos: names.cls, eos: names.sep, unk: names.unk, pad: names.pad, mask: names.mask },
      addPrefixSpace: optionalBool(tokConfig?.add_prefix_space, 'tokenizer_config.json add_prefix_space') ?? false,
      source: 'vocab.json + merges.txt',
    }),
  );
  return { tokenizer, files: ['vocab.json', 'merges.txt', ...extraFiles], modelMaxLength };
}

export interface SpecialTokenNames {
  cls: string;
  sep: string;
  pad: string;
  unk: string;
  mask: string;
}

function specialTokenNames(family: TokenizerFamily, ...sources: Array<Record<string, unknown> | null>): SpecialTokenNames {
  const defaults =
    family === 'bert'
      ? { ...BERT_SPECIAL_TOKENS }
      : {
          cls: ROBERTA_SPECIAL_TOKENS.bos,
          sep: ROBERTA_SPECIAL_TOKENS.eos,
          pad: ROBERTA_SPECIAL_TOKENS.pad,
          unk: ROBERTA_SPECIAL_TOKENS.unk,
          mask: ROBERTA_SPECIAL_TOKENS.mask,
        };
  const pick = (key: string): string | undefined => {
    for (const src of sources) {
      const v = tokenContent(src?.[key]);
      if (v) return v;
    }
    return undefined;
  };
  return {
    cls: pick('cls_token') ?? (family === 'roberta' ? pick('bos_token') : undefined) ?? defaults.cls,
    sep: pick('sep_token') ?? (family === 'roberta' ? pick('eos_token') : undefined) ?? defaults.sep,
    pad: pick('pad_token') ?? defaults.pad,
    unk: pick('unk_token') ?? defaults.unk,
    mask: pick('mask_token') ?? defaults.mask,
  };
}

/** A special token is written either as "[CLS]" or as {"content": "[CLS]", ...}. */
function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string' && v) return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

function realMaxLength(v: unknown): number | null {
  // transformers writes 1e30 ("VERY_LARGE_INTEGER") when the limit is unknown.
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 1e7 ? v : null;
}

// ---------------------------------------------------------------------------------------
// tokenizer.json
// ---------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const SUPPORTED_NORMALIZERS = 'BertNormalizer, Lowercase, StripAccents, NFC, NFD, NFKC, NFKD, Strip, Replace (string pattern), Prepend, Sequence';
const SUPPORTED_PRE_TOKENIZERS = 'BertPreTokenizer, ByteLevel, Whitespace, WhitespaceSplit, Sequence';
const SUPPORTED_POST_PROCESSORS = 'BertProcessing, RobertaProcessing, TemplateProcessing, ByteLevel, Sequence';

/** Build a tokenizer from a parsed tokenizer.json (the Hugging Face `tokenizers` format). */
export function tokenizerFromJson(json: unknown, family: TokenizerFamily, names?: SpecialTokenNames): HfTokenizer {
  if (!isObj(json)) throw new Error('is not a JSON object');
  const model = json.model;
  if (!isObj(model)) throw new Error('has no "model" object');
  const modelType = model.type ?? (isObj(model.vocab) && model.merges ? 'BPE' : undefined);
  if (!isObj(model.vocab)) throw new Error('model.vocab is missing or not an object of token -> id');
  const vocab = new Map<string, number>();
  for (const [tok, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new Error(`model.vocab: token "${tok}" has id ${JSON.stringify(id)}`);
    vocab.set(tok, id);
  }
  const added = parseAddedTokens(json.added_tokens);
  for (const t of added) if (!vocab.has(t.content)) vocab.set(t.content, t.id);

  let wordModel: WordModel;
  let kind: 'wordpiece' | 'bpe';
  if (modelType === 'WordPiece') {
    kind = 'wordpiece';
    wordModel = new WordPieceModel(vocab, {
      unkToken: str(model.unk_token) ?? WORDPIECE_DEFAULTS.unkToken,
      continuingSubwordPrefix: str(model.continuing_subword_prefix) ?? WORDPIECE_DEFAULTS.continuingSubwordPrefix,
      maxInputCharsPerWord: typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : WORDPIECE_DEFAULTS.maxInputCharsPerWord,
    });
  } else if (modelType === 'BPE') {
    kind = 'bpe';
    if (model.byte_fallback === true) throw new Error('BPE with byte_fallback (SentencePiece style) is not supported');
    wordModel = new BpeModel(vocab, parseJsonMerges(model.merges), {
      unkToken: str(model.unk_token) ?? BPE_DEFAULTS.unkToken,
      continuingSubwordPrefix: str(model.continuing_subword_prefix) ?? '',
      endOfWordSuffix: str(model.end_of_word_suffix) ?? '',
      ignoreMerges: model.ignore_merges === true,
    });
  } else {
    throw new Error(`model type ${JSON.stringify(modelType)} is not supported (supported: WordPiece, BPE)`);
  }

  const normalize = buildNormalizer(json.normalizer);
  // A string replacement that spans whitespace could join text across a cut (see tokenizeHead).
  const prefixSafe = !JSON.stringify(json.normalizer ?? null).match(/"String":"[^"]*\s[^"]*"/);
  const preTokenize = buildPreTokenizer(json.pre_tokenizer);
  const template = buildTemplate(json.post_processor, vocab);

  const n = names ?? specialTokenNames(family);
  const firstSpecial = template.single.find((p) => p.kind === 'special');
  const lastSpecial = [...template.single].reverse().find((p) => p.kind === 'special');
  const idOf = (tok: string) => vocab.get(tok) ?? null;
  const pad = paddingId(json.padding) ?? idOf(n.pad) ?? idOf('[PAD]') ?? idOf('<pad>');
  if (pad === null) throw new Error(`has no padding token ("${n.pad}" is not in the vocabulary)`);
  const cls = firstSpecial?.kind === 'special' ? firstSpecial.ids[0] : idOf(n.cls);
  const sep = lastSpecial?.kind === 'special' ? lastSpecial.ids[lastSpecial.ids.length - 1] : idOf(n.sep);
  if (cls === null || sep === null) throw new Error(`has no start/separator tokens ("${n.cls}", "${n.sep}")`);

  return new HfTokenizer({
    kind,
    source: 'tokenizer.json',
    content: new PipelineContent(normalize, preTokenize, wordModel),
    specialTokens: added,
    template,
    ids: { pad, cls, sep, unk: idOf(n.unk), mask: idOf(n.mask) },
    vocabSize: maxId(vocab) + 1,
    prefixSafe,
  });
}

function parseAddedTokens(v: unknown): SpecialToken[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error('added_tokens is not a list');
  return v.map((t, i) => {
    if (!isObj(t) || typeof t.content !== 'string' || typeof t.id !== 'number') throw new Error(`added_tokens[${i}] needs "id" and "content"`);
    // Added tokens are matched on the raw text, whether or not they are marked `normalized`.
    return { content: t.content, id: t.id, lstrip: t.lstrip === true, rstrip: t.rstrip === true };
  });
}

function parseJsonMerges(v: unknown): Array<[string, string]> {
  if (!Array.isArray(v)) throw new Error('model.merges is missing or not a list');
  return v.map((m, i) => {
    if (typeof m === 'string') {
      const parts = m.split(' ');
      if (parts.length === 2 && parts[0] && parts[1]) return [parts[0], parts[1]];
    } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      return [m[0], m[1]];
    }
    throw new Error(`model.merges[${i}] is neither "a b" nor ["a", "b"]: ${JSON.stringify(m).slice(0, 60)}`);
  });
}

function buildNormalizer(spec: unknown): (text: string) => string {
  if (spec === null || spec === undefined) return (t) => t;
  if (!isObj(spec)) throw new Error('normalizer is not an object');
  switch (spec.type) {
    case 'BertNormalizer': {
      const lowercase = spec.lowercase !== false;
      const opts: BertNormalizerOptions = {
        cleanText: spec.clean_text !== false,
        handleChineseChars: spec.handle_chinese_chars !== false,
        stripAccents: typeof spec.strip_accents === 'boolean' ? spec.strip_accents : null,
        lowercase,
      };
      return (t) => bertNormalize(t, opts);
    }
    case 'Lowercase':
      return lowercasePerChar;
    case 'StripAccents':
      return (t) => t.replace(/\p{Mn}/gu, ''); // expects a preceding NFD step, as in `tokenizers`
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = spec.type;
      return (t) => t.normalize(form);
    }
    case 'Strip': {
      const left = spec.strip_left !== false;
      const right = spec.strip_right !== false;
      return (t) => (left && right ? t.trim() : left ? t.trimStart() : right ? t.trimEnd() : t);
    }
    case 'Replace': {
      const pattern = isObj(spec.pattern) ? spec.pattern : {};
      if (typeof pattern.String !== 'string') throw new Error('normalizer Replace with a regex pattern is not supported (only string patterns)');
      const from = pattern.String;
      const to = str(spec.content) ?? '';
      return (t) => t.split(from).join(to);
    }
    case 'Prepend': {
      const prefix = str(spec.prepend) ?? '';
      return (t) => (t ? prefix + t : t);
    }
    case 'Sequence': {
      if (!Array.isArray(spec.normalizers)) throw new Error('normalizer Sequence has no "normalizers" list');
      const steps = spec.normalizers.map(buildNormalizer);
      return (t) => steps.reduce((acc, f) => f(acc), t);
    }
    default:
      throw new Error(`normalizer type ${JSON.stringify(spec.type)} is not supported (supported: ${SUPPORTED_NORMALIZERS})`);
  }
}

type Splitter = (words: string[]) => string[];

function buildPreTokenizer(spec: unknown): (text: string) => string[] {
  if (spec === null || spec === undefined) return (t) => (t ? [t] : []);
  const split = buildSplitter(spec);
  return (t) => split([t]);
}

function buildSplitter(spec: unknown): Splitter {
  if (!isObj(spec)) throw new Error('pre_tokenizer is not an object');
  switch (spec.type) {
    case 'BertPreTokenizer':
      return (ws) => ws.flatMap(bertPreTokenize);
    case 'ByteLevel': {
      const opts = { addPrefixSpace: spec.add_prefix_space === true, useRegex: spec.use_regex !== false };
      return (ws) => ws.flatMap((w) => byteLevelPreTokenize(w, opts));
    }
    case 'Whitespace':
      return (ws) => ws.flatMap((w) => w.match(/[\p{L}\p{N}\p{M}\p{Pc}]+|[^\p{L}\p{N}\p{M}\p{Pc}\p{White_Space}]+/gu) ?? []);
    case 'WhitespaceSplit':
      return (ws) => ws.flatMap((w) => w.split(/\p{White_Space}+/u).filter(Boolean));
    case 'Sequence': {
      if (!Array.isArray(spec.pretokenizers)) throw new Error('pre_tokenizer Sequence has no "pretokenizers" list');
      const steps = spec.pretokenizers.map(buildSplitter);
      return (ws) => steps.reduce((acc, f) => f(acc), ws);
    }
    default:
      throw new Error(`pre_tokenizer type ${JSON.stringify(spec.type)} is not supported (supported: ${SUPPORTED_PRE_TOKENIZERS})`);
  }
}

function buildTemplate(spec: unknown, vocab: Map<string, number>): PostTemplate {
  if (spec === null || spec === undefined) {
    return {
      single: [{ kind: 'sequence', which: 'A', typeId: 0 }],
      pair: [
        { kind: 'sequence', which: 'A', typeId: 0 },
        { kind: 'sequence', which: 'B', typeId: 1 },
      ],
    };
  }
  if (!isObj(spec)) throw new Error('post_processor is not an object');
  const pairId = (v: unknown, what: string): number => {
    if (Array.isArray(v) && v.length === 2 && typeof v[1] === 'number') return v[1];
    if (Array.isArray(v) && typeof v[0] === 'string' && vocab.has(v[0])) return vocab.get(v[0])!;
    throw new Error(`post_processor ${spec.type}: "${what}" is not ["token", id]`);
  };
  switch (spec.type) {
    case 'BertProcessing':
      return bertTemplate(pairId(spec.cls, 'cls'), pairId(spec.sep, 'sep'));
    case 'RobertaProcessing':
      return robertaTemplate(pairId(spec.cls, 'cls'), pairId(spec.sep, 'sep'));
    case 'TemplateProcessing': {
      const specials = isObj(spec.special_tokens) ? spec.special_tokens : {};
      const pieces = (list: unknown, which: string): TemplatePiece[] => {
        if (!Array.isArray(list)) throw new Error(`post_processor TemplateProcessing has no "${which}" list`);
        return list.map((item): TemplatePiece => {
          if (isObj(item) && isObj(item.SpecialToken)) {
            const name = str(item.SpecialToken.id) ?? '';
            const entry = specials[name];
            const ids = isObj(entry) && Array.isArray(entry.ids) ? (entry.ids as number[]) : vocab.has(name) ? [vocab.get(name)!] : null;
            if (!ids) throw new Error(`post_processor TemplateProcessing: special token "${name}" has no ids`);
            return { kind: 'special', ids, typeId: num(item.SpecialToken.type_id) ?? 0 };
          }
          if (isObj(item) && isObj(item.Sequence)) {
            return { kind: 'sequence', which: item.Sequence.id === 'B' ? 'B' : 'A', typeId: num(item.Sequence.type_id) ?? 0 };
          }
          throw new Error(`post_processor TemplateProcessing: unreadable piece ${JSON.stringify(item).slice(0, 60)}`);
        });
      };
      return { single: pieces(spec.single, 'single'), pair: pieces(spec.pair, 'pair') };
    }
    case 'Sequence': {
      // e.g. [ByteLevel (offsets only), TemplateProcessing]: the template-making step decides.
      if (!Array.isArray(spec.processors)) throw new Error('post_processor Sequence has no "processors" list');
      const makers = spec.processors.filter((p) => isObj(p) && p.type !== 'ByteLevel');
      if (makers.length > 1) throw new Error('post_processor Sequence with more than one template step is not supported');
      return buildTemplate(makers[0] ?? null, vocab);
    }
    case 'ByteLevel':
      return buildTemplate(null, vocab);
    default:
      throw new Error(`post_processor type ${JSON.stringify(spec.type)} is not supported (supported: ${SUPPORTED_POST_PROCESSORS})`);
  }
}

function paddingId(v: unknown): number | null {
  return isObj(v) && typeof v.pad_id === 'number' ? v.pad_id : null;
}

// ---------------------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------------------

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function optionalBool(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new TokenizerFilesError(`${what} should be true or false, not ${JSON.stringify(v)}`);
  return v;
}

function readText(dir: string, file: string): string {
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  } catch (e) {
    throw new TokenizerFilesError(`${file} is unreadable: ${(e as Error).message}`);
  }
}

function readJson(dir: string, file: string): unknown {
  const text = readText(dir, file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerFilesError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function readOptionalJson(dir: string, file: string): Json | null {
  if (!fs.existsSync(path.join(dir, file))) return null;
  const v = readJson(dir, file);
  if (!isObj(v)) throw new TokenizerFilesError(`${file} is not a JSON object`);
  return v;
}

function wrap<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TokenizerFilesError) throw e;
    throw new TokenizerFilesError(`${file}: ${(e as Error).message}`);
  }
}

export { SUPPORTED_FILES as SUPPORTED_TOKENIZER_FILES };
