/**
 * Writes the second base model for mutual Trans-Encoder runs on a machine where no second
 * pretrained transformer can be downloaded: a Hugging Face BERT folder (config.json,
 * model.safetensors, vocab.txt) that the app imports like any user's checkpoint.
 *
 *   npx tsx scripts/make-second-base.ts OUT_DIR [--seed 7] [--layers 2]
 *
 * What it is, and why: a raw (untrained) 2-layer BERT, hidden 256, whose WordPiece vocabulary
 * is the built-in model's 8k SentencePiece pieces ("▁word" -> "word", other pieces ->
 * "##piece") and whose word embeddings are those pieces' rows of the built-in model's
 * embedding table; positions, layers and LayerNorms are BERT's standard random initialisation.
 * A fully random BERT knows no words, and a few thousand SimCSE steps on a CPU do not teach it
 * enough to take part in mutual distillation; borrowed sub-word vectors give it lexical
 * knowledge while its tokenizer (greedy WordPiece on BERT's basic tokenizer), its positions,
 * its pooling (mean, no pooler) and its transformer layers differ from the built-in model.
 * It has no sentence-transformers config, so the app treats it as a raw masked-LM and runs the
 * SimCSE step on it first. It is a weak base, by construction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend';
import { writeSafetensors } from '../src/engine/models/hf/safetensors';
import { loadUseLiteBaseParams } from '../src/engine/models/use-lite/core';
import { loadUseLiteTokenizer } from '../src/engine/models/use-lite/biEncoder';
import { seededRandom } from '../src/engine/random';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string', default: '7' }, layers: { type: 'string', default: '2' } },
});
const out = positionals[0];
if (!out) {
  console.error('usage: npx tsx scripts/make-second-base.ts OUT_DIR [--seed N] [--layers N]');
  process.exit(2);
}
await initBackend('auto');
const HIDDEN = 256;
const HEADS = 4;
const INTER = 1024;
const LAYERS = Number(values.layers);
const MAX_POS = 128;

const sp = loadUseLiteTokenizer();
const { params } = loadUseLiteBaseParams();
const table = params.get('embeddings')!;
const [rows, dim] = table.shape as [number, number];
if (dim !== HIDDEN) throw new Error(`expected ${HIDDEN}-wide embeddings, got ${dim}`);
const tableData = table.dataSync() as Float32Array;

const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const vocab: string[] = [...special];
const source: number[] = [-1, -1, -1, -1, -1];
const seen = new Set(vocab);
for (let id = 0; id < rows; id++) {
  const piece = sp.idToPiece(id);
  if (!piece || piece.startsWith('<') || piece === '▁') continue;
  const word = piece.startsWith('▁') ? piece.slice(1) : `##${piece}`;
  if (!word || /\s/.test(word) || seen.has(word)) continue;
  seen.add(word);
  vocab.push(word);
  source.push(id);
}
// BERT's basic tokenizer splits punctuation into words of their own, while SentencePiece
// attaches most of it to the preceding piece ("##." only): give those a word-initial entry too.
for (let i = 0, n = vocab.length; i < n; i++) {
  const w = vocab[i]!;
  if (w.startsWith('##') && /^[\p{P}\p{S}]+$/u.test(w.slice(2)) && !seen.has(w.slice(2))) {
    seen.add(w.slice(2));
    vocab.push(w.slice(2));
    source.push(source[i]!);
  }
}

const rand = seededRandom(Number(values.seed));
const normal = (std: number) => {
  const u = Math.max(rand(), 1e-12);
  return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
};
const randn = (n: number, std: number) => Float32Array.from({ length: n }, () => normal(std));
const tensors: { name: string; shape: number[]; data: Float32Array }[] = [];
const add = (name: string, shape: number[], data: Float32Array) => tensors.push({ name, shape, data });

// Word embeddings: the built-in model's rows; special tokens get BERT's random init.
const words = new Float32Array(vocab.length * HIDDEN);
for (let i = 0; i < vocab.length; i++) {
  if (source[i]! < 0) words.set(randn(HIDDEN, 0.02), i * HIDDEN);
  else words.set(tableData.subarray(source[i]! * HIDDEN, (source[i]! + 1) * HIDDEN), i * HIDDEN);
}
add('embeddings.word_embeddings.weight', [vocab.length, HIDDEN], words);
add('embeddings.position_embeddings.weight', [MAX_POS, HIDDEN], randn(MAX_POS * HIDDEN, 0.02));
add('embeddings.token_type_embeddings.weight', [2, HIDDEN], randn(2 * HIDDEN, 0.02));
add('embeddings.LayerNorm.weight', [HIDDEN], new Float32Array(HIDDEN).fill(1));
add('embeddings.LayerNorm.bias', [HIDDEN], new Float32Array(HIDDEN));
for (let l = 0; l < LAYERS; l++) {
  const p = `encoder.layer.${l}.`;
  for (const name of ['query', 'key', 'value']) {
    add(`${p}attention.self.${name}.weight`, [HIDDEN, HIDDEN], randn(HIDDEN * HIDDEN, 0.02));
    add(`${p}attention.self.${name}.bias`, [HIDDEN], new Float32Array(HIDDEN));
  }
  add(`${p}attention.output.dense.weight`, [HIDDEN, HIDDEN], randn(HIDDEN * HIDDEN, 0.02));
  add(`${p}attention.output.dense.bias`, [HIDDEN], new Float32Array(HIDDEN));
  add(`${p}attention.output.LayerNorm.weight`, [HIDDEN], new Float32Array(HIDDEN).fill(1));
  add(`${p}attention.output.LayerNorm.bias`, [HIDDEN], new Float32Array(HIDDEN));
  add(`${p}intermediate.dense.weight`, [INTER, HIDDEN], randn(INTER * HIDDEN, 0.02));
  add(`${p}intermediate.dense.bias`, [INTER], new Float32Array(INTER));
  add(`${p}output.dense.weight`, [HIDDEN, INTER], randn(HIDDEN * INTER, 0.02));
  add(`${p}output.dense.bias`, [HIDDEN], new Float32Array(HIDDEN));
  add(`${p}output.LayerNorm.weight`, [HIDDEN], new Float32Array(HIDDEN).fill(1));
  add(`${p}output.LayerNorm.bias`, [HIDDEN], new Float32Array(HIDDEN));
}

fs.mkdirSync(out, { recursive: true });
writeSafetensors(path.join(out, 'model.safetensors'), tensors);
fs.writeFileSync(path.join(out, 'vocab.txt'), `${vocab.join('\n')}\n`);
fs.writeFileSync(
  path.join(out, 'tokenizer_config.json'),
  JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: false, model_max_length: MAX_POS }, null, 2),
);
fs.writeFileSync(
  path.join(out, 'config.json'),
  JSON.stringify(
    {
      architectures: ['BertModel'],
      model_type: 'bert',
      vocab_size: vocab.length,
      hidden_size: HIDDEN,
      num_hidden_layers: LAYERS,
      num_attention_heads: HEADS,
      intermediate_size: INTER,
      hidden_act: 'gelu',
      hidden_dropout_prob: 0.1,
      attention_probs_dropout_prob: 0.1,
      max_position_embeddings: MAX_POS,
      type_vocab_size: 2,
      initializer_range: 0.02,
      layer_norm_eps: 1e-12,
      pad_token_id: 0,
      position_embedding_type: 'absolute',
    },
    null,
    2,
  ),
);
console.log(
  `wrote ${out}: BERT ${LAYERS} layers, hidden ${HIDDEN}, vocabulary ${vocab.length} (${vocab.length - special.length} pieces of the built-in model)`,
);
