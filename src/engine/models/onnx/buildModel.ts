/**
 * Builds ONNX models of the engine's encoders (built-in USE lite, imported BERT / RoBERTa; bi
 * and cross) with their current weights. Inputs are int64 [batch, sequence] `input_ids`,
 * `attention_mask` and, for cross-encoders, `token_type_ids` (segment ids); the output is
 * `embeddings` [batch, dim] (L2-normalised) or `logits` [batch]. Batch and sequence are
 * dynamic. Tokenization stays in TypeScript (see textCodec.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BiEncoder, CrossEncoder } from '../encoder';
import { HfCrossEncoder } from '../hf/crossEncoder';
import { HfEncoder } from '../hf/hfEncoder';
import { readUseLiteGraphWeights } from '../use-lite/artifacts';
import { UseLiteBiEncoder } from '../use-lite/biEncoder';
import { UseLiteCrossEncoder } from '../use-lite/crossEncoder';
import { INV_TIMESCALES_NODE } from '../use-lite/params';
import { buildBertGraph } from './bertGraph';
import { OPSET, type GraphBuilder } from './graph';
import { buildUseLiteGraph } from './useLiteGraph';
import { readWeights } from './weights';

export type OnnxFamily = 'use-lite' | 'bert' | 'roberta';

export interface OnnxModelInfo {
  kind: 'bi' | 'cross';
  family: OnnxFamily;
  /** Graph input names in feed order. */
  inputs: string[];
  output: 'embeddings' | 'logits';
  /** Embedding width (bi-encoders). */
  dim?: number;
  opset: number;
}

export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

/** The model's graph as ONNX ModelProto bytes, plus what a runner needs to know about it. */
export interface BuildOnnxOptions {
  /** 'int8': per-token dense layers quantised (USE lite only; changes the outputs slightly, see quantizedDense.ts). */
  quantize?: 'int8';
}

export function buildOnnxModel(model: BiEncoder | CrossEncoder, options: BuildOnnxOptions = {}): { bytes: Uint8Array; info: OnnxModelInfo } {
  const kind = model.kind === 'bi-encoder' ? 'bi' : 'cross';
  let graph: GraphBuilder;
  let family: OnnxFamily;
  if (model instanceof UseLiteBiEncoder || model instanceof UseLiteCrossEncoder) {
    family = 'use-lite';
    graph = buildUseLiteGraph({ kind, weights: readWeights(model), invTimescales: useLiteInvTimescales(model), quantize: options.quantize });
  } else if (options.quantize) {
    throw new OnnxExportError(`int8 export is only implemented for USE lite, not ${model.constructor?.name ?? typeof model}`);
  } else if (model instanceof HfEncoder) {
    family = model.config.modelType;
    graph = buildBertGraph({ kind: 'bi', config: model.config, pooling: model.pooling, weights: readWeights(model) });
  } else if (model instanceof HfCrossEncoder) {
    family = model.config.modelType;
    graph = buildBertGraph({ kind: 'cross', config: model.config, weights: readWeights(model) });
  } else {
    throw new OnnxExportError(`ONNX export supports USE lite and BERT / RoBERTa encoders, not ${model.constructor?.name ?? typeof model}`);
  }
  const info: OnnxModelInfo = {
    kind,
    family,
    inputs: kind === 'cross' ? ['input_ids', 'attention_mask', 'token_type_ids'] : ['input_ids', 'attention_mask'],
    output: kind === 'bi' ? 'embeddings' : 'logits',
    dim: model.kind === 'bi-encoder' ? model.dim : undefined,
    opset: OPSET,
  };
  const bytes = graph.toModelProto({
    docString: `TransEncoder Studio ${family} ${kind}-encoder`,
    metadata: { 'tenc.kind': kind, 'tenc.family': family, 'tenc.maxLength': String(model.maxLength) },
  });
  return { bytes, info };
}

/**
 * The timing-signal constant the TF.js core computes with. UseLiteCore keeps it private (it is
 * not a weight), so we read the core's copy; if that ever moves, the base package's graph
 * constant is the same value for the built-in model.
 */
function useLiteInvTimescales(model: UseLiteBiEncoder | UseLiteCrossEncoder): Float32Array {
  const core = (model as unknown as { core?: { invTimescales?: unknown } }).core;
  const t = core?.invTimescales;
  if (t instanceof tf.Tensor && !t.isDisposed) return Float32Array.from(t.dataSync() as Float32Array);
  const graph = readUseLiteGraphWeights();
  try {
    const inv = graph[INV_TIMESCALES_NODE];
    if (!inv) throw new OnnxExportError(`USE lite weights lack ${INV_TIMESCALES_NODE}`);
    return Float32Array.from(inv.dataSync() as Float32Array);
  } finally {
    tf.dispose(Object.values(graph));
  }
}
