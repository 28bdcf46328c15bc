/** Validation of Hugging Face model folders: each broken copy of a fixture gets a precise message. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HfModelFolderError,
  inspectModelFolder,
  loadHfEncoder,
  readSafetensorsHeader,
  readTensorAsFloat32,
  writeSafetensors,
} from '../../../src/engine/models/hf';
import type { TensorToWrite } from '../../../src/engine/models/hf/safetensors';

const FIX = path.resolve(__dirname, '../../fixtures/hf');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-folder-'));
let n = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A fresh copy of a fixture folder. */
function copy(fixture: string): string {
  const dir = path.join(root, `${fixture}-${n++}`);
  fs.cpSync(path.join(FIX, fixture), dir, { recursive: true });
  return dir;
}

async function readAll(file: string): Promise<TensorToWrite[]> {
  const { tensors } = readSafetensorsHeader(file);
  const out: TensorToWrite[] = [];
  for (const e of tensors.values()) if (e.dtype !== 'I64') out.push({ name: e.name, shape: e.shape, data: await readTensorAsFloat32(e) });
  return out;
}

async function rewriteWeights(dir: string, edit: (t: TensorToWrite[]) => TensorToWrite[]): Promise<void> {
  const file = path.join(dir, 'model.safetensors');
  writeSafetensors(file, edit(await readAll(file)));
}

function editJson(file: string, edit: (j: Record<string, unknown>) => void): void {
  const j = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(j);
  fs.writeFileSync(file, JSON.stringify(j));
}

async function problemsOf(dir: string): Promise<string[]> {
  const r = await inspectModelFolder(dir);
  expect(r.ok).toBe(r.problems.length === 0);
  return r.problems;
}

describe('valid folders', () => {
  it('accepts every fixture and summarises it', async () => {
    for (const f of ['bert-vocab', 'bert-tokjson', 'roberta-bpe', 'roberta-tokjson']) {
      const r = await inspectModelFolder(path.join(FIX, f));
      expect(r.problems, f).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.summary!.numLayers).toBe(2);
      expect(r.summary!.hiddenSize).toBe(32);
    }
    const bert = (await inspectModelFolder(path.join(FIX, 'bert-vocab'))).summary!;
    expect(bert.description).toMatch(/^BERT, 2 layers, hidden 32, 4 heads, vocab \d+ \(WordPiece from vocab\.txt\), max 40 tokens, mean pooling/);
    expect(bert.hasPooler).toBe(true);
    expect(bert.poolingSource).toBe(path.join('1_Pooling', 'config.json'));
    const roberta = (await inspectModelFolder(path.join(FIX, 'roberta-tokjson'))).summary!;
    expect(roberta.pooling).toEqual(['mean']);
    expect(roberta.poolingSource).toMatch(/^default/);
    expect(roberta.tokenizer).toMatchObject({ kind: 'bpe', files: ['tokenizer.json'] });
  });

  it('accepts the old LayerNorm gamma / beta names and computes the same embeddings', async () => {
    const dir = copy('bert-vocab');
    await rewriteWeights(dir, (ts) =>
      ts.map((t) => ({ ...t, name: t.name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta') })),
    );
    expect(await problemsOf(dir)).toEqual([]);
    const a = await loadHfEncoder(dir);
    const b = await loadHfEncoder(path.join(FIX, 'bert-vocab'));
    const [va, vb] = [await a.embed(['a man is playing']), await b.embed(['a man is playing'])];
    expect(Array.from(va[0])).toEqual(Array.from(vb[0]));
    a.dispose();
    b.dispose();
  });

  it('reads weights sharded with model.safetensors.index.json', async () => {
    const dir = copy('roberta-bpe');
    const all = await readAll(path.join(dir, 'model.safetensors'));
    fs.rmSync(path.join(dir, 'model.safetensors'));
    const half = Math.floor(all.length / 2);
    writeSafetensors(path.join(dir, 'model-00001-of-00002.safetensors'), all.slice(0, half));
    writeSafetensors(path.join(dir, 'model-00002-of-00002.safetensors'), all.slice(half));
    const weightMap = Object.fromEntries(all.map((t, i) => [t.name, i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors']));
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const r = await inspectModelFolder(dir);
    expect(r.problems).toEqual([]);
    expect(r.summary!.weightsFiles).toHaveLength(2);

    fs.rmSync(path.join(dir, 'model-00002-of-00002.safetensors'));
    expect(await problemsOf(dir)).toEqual(['missing weights shard model-00002-of-00002.safetensors (listed in model.safetensors.index.json)']);
  });

  it('follows modules.json to a transformer in a subfolder (older sentence-transformers layout)', async () => {
    const dir = path.join(root, `st-sub-${n++}`);
    fs.mkdirSync(dir);
    fs.cpSync(path.join(FIX, 'bert-tokjson'), path.join(dir, '0_Transformer'), { recursive: true });
    fs.cpSync(path.join(FIX, 'bert-vocab', '1_Pooling'), path.join(dir, '1_Pooling'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'modules.json'),
      JSON.stringify([
        { idx: 0, name: '0', path: '0_Transformer', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
      ]),
    );
    const r = await inspectModelFolder(dir);
    expect(r.problems).toEqual([]);
    expect(r.summary!.modelDir).toBe(path.join(dir, '0_Transformer'));
  });

  it('warns about (and clamps) a max_seq_length beyond the position embeddings', async () => {
    const dir = copy('bert-vocab');
    editJson(path.join(dir, 'sentence_bert_config.json'), (j) => (j.max_seq_length = 512));
    const r = await inspectModelFolder(dir);
    expect(r.ok).toBe(true);
    expect(r.summary!.maxLength).toBe(64);
    expect(r.summary!.warnings).toContain('sentence_bert_config.json max_seq_length 512 exceeds the 64 positions of the model; using 64');
  });
});

describe('config.json problems', () => {
  it('says when the folder does not exist', async () => {
    expect(await problemsOf(path.join(root, 'nope'))).toEqual([`model folder ${path.join(root, 'nope')} does not exist`]);
  });

  it('says when config.json is missing', async () => {
    const dir = copy('bert-vocab');
    fs.rmSync(path.join(dir, 'config.json'));
    const r = await inspectModelFolder(dir);
    expect(r.summary).toBeNull();
    expect(r.problems).toEqual([expect.stringMatching(/^missing config\.json/)]);
  });

  it('says when config.json is not JSON', async () => {
    const dir = copy('bert-vocab');
    fs.writeFileSync(path.join(dir, 'config.json'), '{ "model_type": "bert", ');
    expect(await problemsOf(dir)).toEqual([expect.stringMatching(/^config\.json is unreadable or not valid JSON/)]);
  });

  it('names an unsupported model_type and the supported ones', async () => {
    const dir = copy('bert-vocab');
    editJson(path.join(dir, 'config.json'), (j) => (j.model_type = 'gpt2'));
    expect(await problemsOf(dir)).toEqual(['unsupported model_type "gpt2" (supported: bert, roberta)']);
    editJson(path.join(dir, 'config.json'), (j) => (j.model_type = 'xlm-roberta'));
    expect((await problemsOf(dir))[0]).toMatch(/^unsupported model_type "xlm-roberta" \(supported: bert, roberta\); .*SentencePiece/);
    editJson(path.join(dir, 'config.json'), (j) => delete j.model_type);
    expect(await problemsOf(dir)).toEqual(['config.json has no model_type (supported: bert, roberta)']);
  });

  it('names a bad field value', async () => {
    const dir = copy('roberta-bpe');
    editJson(path.join(dir, 'config.json'), (j) => {
      j.hidden_act = 'quick_gelu';
      j.num_attention_heads = 5;
    });
    const problems = await problemsOf(dir);
    expect(problems).toContain('config.json hidden_size 32 is not a multiple of num_attention_heads 5');
    expect(problems).toContainEqual(expect.stringMatching(/^config\.json hidden_act "quick_gelu" is not supported \(supported: gelu, /));
  });
});

describe('weights problems', () => {
  it('says when the weights file is missing, and what other format is there', async () => {
    const dir = copy('bert-vocab');
    fs.rmSync(path.join(dir, 'model.safetensors'));
    expect(await problemsOf(dir)).toEqual(['missing weights file model.safetensors']);
    fs.writeFileSync(path.join(dir, 'pytorch_model.bin'), 'not really');
    expect((await problemsOf(dir))[0]).toMatch(/^missing weights file model\.safetensors: found pytorch_model\.bin, but only the safetensors format is read/);
  });

  it('says when the file is truncated', async () => {
    const dir = copy('bert-vocab');
    const file = path.join(dir, 'model.safetensors');
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 100);
    expect(await problemsOf(dir)).toEqual([
      expect.stringMatching(/^model\.safetensors is truncated: tensor "[^"]+" needs bytes up to \d+ of the data section, which has only \d+ bytes$/),
    ]);
    fs.truncateSync(file, 5);
    expect(await problemsOf(dir)).toEqual(['model.safetensors is truncated: 5 bytes, too short for the 8-byte header length']);
  });

  it('says when the header is corrupt', async () => {
    const dir = copy('bert-vocab');
    const file = path.join(dir, 'model.safetensors');
    const bytes = fs.readFileSync(file);
    const broken = Buffer.from(bytes);
    broken[8] = 0x5b; // '[' instead of '{'... then garbage
    broken[9] = 0x7d;
    fs.writeFileSync(file, broken);
    expect((await problemsOf(dir))[0]).toMatch(/^model\.safetensors header is corrupt: not valid JSON/);
    const huge = Buffer.from(bytes);
    huge.writeBigUInt64LE(BigInt(bytes.length * 10), 0);
    fs.writeFileSync(file, huge);
    expect((await problemsOf(dir))[0]).toMatch(/^model\.safetensors header is corrupt or truncated: it declares a \d+-byte header but only \d+ bytes follow/);
  });

  it('names a missing tensor and a tensor with the wrong shape', async () => {
    const dir = copy('bert-vocab');
    await rewriteWeights(dir, (ts) =>
      ts
        .filter((t) => t.name !== 'encoder.layer.1.output.LayerNorm.bias')
        .map((t) => (t.name === 'encoder.layer.0.attention.self.query.weight' ? { ...t, shape: [32, 16], data: t.data.slice(0, 512) } : t)),
    );
    expect(await problemsOf(dir)).toEqual([
      'tensor encoder.layer.0.attention.self.query.weight has shape [32, 16] instead of [32, 32]',
      'tensor encoder.layer.1.output.LayerNorm.bias missing',
    ]);
  });

  it('keeps the prefix in the names it reports', async () => {
    const dir = copy('roberta-tokjson');
    await rewriteWeights(dir, (ts) => ts.filter((t) => t.name !== 'roberta.embeddings.LayerNorm.weight'));
    expect(await problemsOf(dir)).toEqual(['tensor roberta.embeddings.LayerNorm.weight missing']);
  });

  it('says when the checkpoint has no encoder at all', async () => {
    const dir = copy('bert-vocab');
    await rewriteWeights(dir, (ts) => ts.map((t) => ({ ...t, name: `decoder.${t.name}`.replace('word_embeddings', 'tok_embeddings') })));
    expect((await problemsOf(dir))[0]).toMatch(/^tensor embeddings\.word_embeddings\.weight missing \(looked for it with and without a prefix/);
  });

  it('names an integer tensor where floats are needed', async () => {
    const dir = copy('bert-vocab');
    const file = path.join(dir, 'model.safetensors');
    const bytes = fs.readFileSync(file);
    const len = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + len).toString('utf8'));
    header['embeddings.LayerNorm.bias'].dtype = 'I32'; // same byte size as F32
    let text = JSON.stringify(header);
    text += ' '.repeat(Math.max(0, len - text.length));
    expect(text.length).toBe(len);
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), Buffer.from(text), bytes.subarray(8 + len)]));
    expect(await problemsOf(dir)).toEqual(['tensor embeddings.LayerNorm.bias has dtype I32; only F32, F16, BF16, F64 are read']);
  });
});

describe('vocabulary and tokenizer problems', () => {
  it('says when config vocab_size and the embeddings disagree', async () => {
    const dir = copy('bert-vocab');
    editJson(path.join(dir, 'config.json'), (j) => (j.vocab_size = 400));
    expect(await problemsOf(dir)).toEqual([
      expect.stringMatching(/^vocab size mismatch: config\.json vocab_size is 400 but tensor embeddings\.word_embeddings\.weight has \d+ rows/),
    ]);
  });

  it('says when the tokenizer has more tokens than the embeddings', async () => {
    const dir = copy('bert-vocab');
    fs.appendFileSync(path.join(dir, 'vocab.txt'), 'extra1\nextra2\n');
    const rows = (await inspectModelFolder(path.join(FIX, 'bert-vocab'))).summary!.vocabSize;
    expect(await problemsOf(dir)).toEqual([
      `vocab size mismatch: the tokenizer (vocab.txt) has ids up to ${rows + 1} but the word embeddings have only ${rows} rows`,
    ]);
  });

  it('says when tokenizer files are missing', async () => {
    const dir = copy('bert-vocab');
    fs.rmSync(path.join(dir, 'vocab.txt'));
    expect(await problemsOf(dir)).toEqual(['tokenizer files missing: found neither tokenizer.json nor vocab.txt (a BERT model needs one of them)']);
    const rdir = copy('roberta-bpe');
    fs.rmSync(path.join(rdir, 'merges.txt'));
    expect(await problemsOf(rdir)).toEqual([
      'tokenizer files missing: found neither tokenizer.json nor vocab.json + merges.txt (only vocab.json is there) (a RoBERTa model needs one of them)',
    ]);
  });

  it('says when tokenizer files are unreadable', async () => {
    const dir = copy('bert-tokjson');
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{"model": ');
    expect((await problemsOf(dir))[0]).toMatch(/^tokenizer\.json is not valid JSON/);
    const vdir = copy('bert-vocab');
    fs.writeFileSync(path.join(vdir, 'vocab.txt'), '[PAD]\n[UNK]\nhello\n');
    expect(await problemsOf(vdir)).toEqual(['vocab.txt: the vocabulary has no start token "[CLS]"']);
    const rdir = copy('roberta-bpe');
    fs.writeFileSync(path.join(rdir, 'merges.txt'), '#version: 0.2\nĠ t\nzz qq\n');
    expect(await problemsOf(rdir)).toEqual(['vocab.json + merges.txt: merge 2 ("zz" + "qq") makes "zzqq", which is not in the vocabulary']);
  });
});

describe('sentence-transformers problems', () => {
  it('names an unsupported module', async () => {
    const dir = copy('bert-vocab');
    const modules = JSON.parse(fs.readFileSync(path.join(dir, 'modules.json'), 'utf8'));
    modules.push({ idx: 3, name: '3', path: '3_Dense', type: 'sentence_transformers.models.Dense' });
    fs.writeFileSync(path.join(dir, 'modules.json'), JSON.stringify(modules));
    expect(await problemsOf(dir)).toEqual([
      'modules.json: sentence-transformers module sentence_transformers.models.Dense (3_Dense) is not supported (supported: Transformer, Pooling, Normalize)',
    ]);
  });

  it('names an unsupported pooling mode', async () => {
    const dir = copy('bert-vocab');
    editJson(path.join(dir, '1_Pooling', 'config.json'), (j) => {
      j.pooling_mode_mean_tokens = false;
      j.pooling_mode_lasttoken = true;
    });
    expect((await problemsOf(dir))[0]).toMatch(/^1_Pooling\/config\.json: pooling_mode_lasttoken is not supported/);
  });

  it('concatenates several pooling modes in sentence-transformers order', async () => {
    const dir = copy('bert-vocab');
    editJson(path.join(dir, '1_Pooling', 'config.json'), (j) => {
      j.pooling_mode_cls_token = true;
      j.pooling_mode_max_tokens = true;
    });
    const enc = await loadHfEncoder(dir);
    expect(enc.pooling).toEqual(['cls', 'max', 'mean']);
    expect(enc.dim).toBe(96);
    const [v] = await enc.embed(['a man is playing a guitar']);
    expect(v).toHaveLength(96);
    enc.dispose();
  });
});

describe('loadHfEncoder', () => {
  it('throws an HfModelFolderError listing every problem', async () => {
    const dir = copy('bert-vocab');
    fs.rmSync(path.join(dir, 'vocab.txt'));
    await rewriteWeights(dir, (ts) => ts.filter((t) => t.name !== 'embeddings.LayerNorm.bias'));
    const err = await loadHfEncoder(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HfModelFolderError);
    expect((err as HfModelFolderError).problems).toEqual([
      'tensor embeddings.LayerNorm.bias missing',
      'tokenizer files missing: found neither tokenizer.json nor vocab.txt (a BERT model needs one of them)',
    ]);
    expect((err as Error).message).toContain('tensor embeddings.LayerNorm.bias missing');
  });
});
