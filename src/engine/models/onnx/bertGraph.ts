/**
 * The BERT / RoBERTa encoder of src/engine/models/hf (transformer.ts, pooling.ts,
 * crossEncoder.ts) as an ONNX graph: embeddings + LayerNorm, post-LN blocks, then either
 * sentence-transformers pooling + L2 normalisation (bi-encoder) or the
 * *ForSequenceClassification head on the first token (cross-encoder).
 */
import type { HfEncoderConfig, HiddenAct } from '../hf/config';
import { POOLING_MODES, type PoolingMode } from '../hf/sentenceTransformers';
import { DataType, GraphBuilder, attr } from './graph';
import { dense, layerNorm, mergeHeads, paddingBias, reduceSum, seqLength, splitHeads, unsqueeze } from './layers';
import { type NamedWeight, WeightInitializers } from './weights';

export interface BertGraphSpec {
  kind: 'bi' | 'cross';
  config: HfEncoderConfig;
  /** Bi-encoder pooling modes (concatenated in sentence-transformers order). */
  pooling?: readonly PoolingMode[];
  weights: ReadonlyMap<string, NamedWeight>;
}

// As transformer.ts: added to the attention scores of padding keys.
const MASKED_SCORE = -1e4;

export function buildBertGraph(spec: BertGraphSpec): GraphBuilder {
  const cfg = spec.config;
  const H = cfg.hiddenSize;
  const nh = cfg.numHeads;
  const d = H / nh;
  const g = new GraphBuilder(`${cfg.modelType}_${spec.kind}_encoder`);
  const w = new WeightInitializers(g, spec.weights);

  const ids = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const maskIn = g.input('attention_mask', DataType.INT64, ['batch', 'sequence']);
  const types = spec.kind === 'cross' ? g.input('token_type_ids', DataType.INT64, ['batch', 'sequence']) : undefined;
  const mask = g.op('Cast', [maskIn], { to: attr.int(DataType.FLOAT) });

  const gather = (table: string, indices: string) => g.op('Gather', [w.use(table), indices], { axis: attr.int(0) });
  const word = gather('embeddings.word_embeddings.weight', ids);
  const pos = gather('embeddings.position_embeddings.weight', positionIds(g, ids, cfg));
  // The bi-encoder feeds no segment ids: every token has type 0.
  const type = gather('embeddings.token_type_embeddings.weight', types ?? g.scalarI(0));
  let x = g.op('Add', [g.op('Add', [word, pos]), type]);
  x = layerNorm(g, x, w.use('embeddings.LayerNorm.weight'), w.use('embeddings.LayerNorm.bias'), cfg.layerNormEps);

  const scoreMask = paddingBias(g, mask, MASKED_SCORE);
  for (let l = 0; l < cfg.numLayers; l++) {
    const p = `encoder.layer.${l}.`;
    const lin = (v: string, n: string) => dense(g, v, w.use(p + n + '.weight'), w.use(p + n + '.bias'));
    const q = splitHeads(g, lin(x, 'attention.self.query'), nh, d);
    const kT = splitHeads(g, lin(x, 'attention.self.key'), nh, d, true);
    const v = splitHeads(g, lin(x, 'attention.self.value'), nh, d);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, kT]), g.scalarF(1 / Math.sqrt(d))]), scoreMask]);
    const probs = g.op('Softmax', [scores], { axis: attr.int(-1) });
    const ctx = mergeHeads(g, g.op('MatMul', [probs, v]), H);
    const h = layerNorm(
      g,
      g.op('Add', [lin(ctx, 'attention.output.dense'), x]),
      w.use(p + 'attention.output.LayerNorm.weight'),
      w.use(p + 'attention.output.LayerNorm.bias'),
      cfg.layerNormEps,
    );
    const inter = activation(g, lin(h, 'intermediate.dense'), cfg.hiddenAct);
    x = layerNorm(g, g.op('Add', [lin(inter, 'output.dense'), h]), w.use(p + 'output.LayerNorm.weight'), w.use(p + 'output.LayerNorm.bias'), cfg.layerNormEps);
  }

  if (spec.kind === 'bi') {
    const pooled = poolTokens(g, x, mask, spec.pooling ?? ['mean']);
    const norm = g.op('Sqrt', [reduceSum(g, g.op('Mul', [pooled, pooled]), [1], true)]);
    const out = g.op('Div', [pooled, g.op('Max', [norm, g.scalarF(1e-12)])]);
    g.output(out, 'embeddings', DataType.FLOAT, ['batch', H * (spec.pooling ?? ['mean']).length]);
    return g;
  }
  const first = g.op('Gather', [x, g.scalarI(0)], { axis: attr.int(1) });
  const pooled = g.op('Tanh', [dense(g, first, w.use('pooler.dense.weight', [H, H]), w.use('pooler.dense.bias'))]);
  const logit = dense(g, pooled, w.use('classifier.weight', [H, 1]), w.use('classifier.bias'));
  g.output(g.op('Reshape', [logit, g.constI([-1])]), 'logits', DataType.FLOAT, ['batch']);
  return g;
}

/** BERT: 0..L-1. RoBERTa: padding_idx + 1 + rank among non-padding tokens; padding gets padding_idx. */
function positionIds(g: GraphBuilder, ids: string, cfg: HfEncoderConfig): string {
  if (cfg.modelType === 'bert') return g.op('Range', [g.scalarI(0), seqLength(g, ids), g.scalarI(1)]);
  const pad = g.scalarI(cfg.padTokenId);
  const notPad = g.op('Cast', [g.op('Not', [g.op('Equal', [ids, pad])])], { to: attr.int(DataType.INT64) });
  const rank = g.op('CumSum', [notPad, g.scalarI(1)]);
  return g.op('Add', [g.op('Mul', [rank, notPad]), pad]);
}

function activation(g: GraphBuilder, x: string, act: HiddenAct): string {
  switch (act) {
    case 'gelu': {
      // exact GELU: 0.5 x (1 + erf(x / sqrt 2))
      const erf = g.op('Erf', [g.op('Mul', [x, g.scalarF(Math.SQRT1_2)])]);
      return g.op('Mul', [g.op('Mul', [x, g.scalarF(0.5)]), g.op('Add', [g.scalarF(1), erf])]);
    }
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast': {
      const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
      const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.scalarF(0.044715)])]), g.scalarF(Math.sqrt(2 / Math.PI))]);
      return g.op('Mul', [g.op('Mul', [x, g.scalarF(0.5)]), g.op('Add', [g.scalarF(1), g.op('Tanh', [inner])])]);
    }
    case 'relu':
      return g.op('Relu', [x]);
    case 'silu':
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x])]);
  }
}

/** sentence-transformers pooling, as pooling.ts: [B, L, H] -> [B, H * modes]. */
function poolTokens(g: GraphBuilder, hidden: string, mask: string, modes: readonly PoolingMode[]): string {
  const mask3 = unsqueeze(g, mask, [2]);
  const parts: string[] = [];
  for (const mode of POOLING_MODES.filter((m) => modes.includes(m))) {
    if (mode === 'cls') {
      parts.push(g.op('Gather', [hidden, g.scalarI(0)], { axis: attr.int(1) }));
    } else if (mode === 'max') {
      const masked = g.op('Add', [hidden, g.op('Mul', [g.op('Sub', [g.scalarF(1), mask3]), g.scalarF(-1e9)])]);
      parts.push(g.op('ReduceMax', [masked], { axes: attr.ints([1]), keepdims: attr.int(0) }));
    } else {
      const sum = reduceSum(g, g.op('Mul', [hidden, mask3]), [1], false);
      const count = g.op('Max', [reduceSum(g, mask3, [1], false), g.scalarF(1e-9)]);
      parts.push(g.op('Div', [sum, mode === 'mean' ? count : g.op('Sqrt', [count])]));
    }
  }
  if (parts.length === 0) throw new Error('ONNX export: no pooling mode');
  return parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: attr.int(1) });
}
