/**
 * USE lite parameter names, shapes and where each comes from in the original graph.
 * Our names are short and stable: they are the keys of getWeights()/setWeights() and of
 * saved checkpoints.
 */
import * as tf from '@tensorflow/tfjs';

export const USE_LITE = {
  vocabRows: 8002,
  embedDim: 256,
  hiddenDim: 512,
  ffnDim: 1536,
  heads: 4,
  /** ClipToMaxLength in the original graph: tokens at position >= 128 are dropped. */
  maxPositions: 128,
  /** Attention bias for padded keys, as in attention_bias_ignore_padding. */
  paddingBias: -1e9,
  layerNormEpsilon: 1e-6,
} as const;

const K = 'module_apply_default/Encoder_en/KonaTransformer/';
const ENC = K + 'Encode/';
const STACK = K + 'Encode/TransformerStack/';
const VAR = 'module/Encoder_en/KonaTransformer/Encode/';

/** Graph node holding the timing-signal inverse timescales, [1, 128]. A constant, not trained. */
export const INV_TIMESCALES_NODE = STACK + 'Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1';

function layerSources(i: 0 | 1): Record<string, string> {
  const L = `Layer_${i}/TransformerLayer/`;
  const src: Record<string, string> = {
    [`layer_${i}/attention/layer_norm/scale`]: ENC + L + 'layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat',
    [`layer_${i}/attention/layer_norm/bias`]: ENC + L + 'layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat',
    [`layer_${i}/attention/qkv/kernel`]: VAR + L + 'MultiheadAttention/qkv_transform_single/kernel/part_0',
    [`layer_${i}/attention/qkv/bias`]: ENC + L + 'MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat',
    [`layer_${i}/attention/output/kernel`]: VAR + L + 'MultiheadAttention/output_transform_single/kernel/part_0',
    [`layer_${i}/attention/output/bias`]: ENC + L + 'MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat',
    [`layer_${i}/ffn/layer_norm/scale`]: ENC + L + 'FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat',
    [`layer_${i}/ffn/layer_norm/bias`]: ENC + L + 'FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat',
    [`layer_${i}/ffn/conv1/kernel`]: STACK + L + 'FFN/conv1/Tensordot/Reshape_1',
    [`layer_${i}/ffn/conv1/bias`]: ENC + L + 'FFN/conv1/bias/ConcatPartitions/concat',
    [`layer_${i}/ffn/conv2/kernel`]: STACK + L + 'FFN/conv2/Tensordot/Reshape_1',
    [`layer_${i}/ffn/conv2/bias`]: ENC + L + 'FFN/conv2/bias/ConcatPartitions/concat',
  };
  if (i === 0) {
    // Layer 0 widens 256 -> 512; its residual goes through a dense projection (AdjustResidualInput).
    src['layer_0/residual/kernel'] = ENC + L + 'dense/kernel/ConcatPartitions/concat';
    src['layer_0/residual/bias'] = ENC + L + 'dense/bias/ConcatPartitions/concat';
  }
  return src;
}

/** Our parameter name -> graph weight name. */
export const GRAPH_SOURCES: Readonly<Record<string, string>> = {
  embeddings: 'module/Embeddings_en',
  ...layerSources(0),
  ...layerSources(1),
  'pooler/kernel': 'module/Encoder_en/hidden_layers/tanh_layer_0/weights',
  'pooler/bias': 'module/Encoder_en/hidden_layers/tanh_layer_0/bias',
};

/** Expected shape of every base parameter (graph 1x1 conv kernels become 2-D). */
export function baseParamShapes(): Map<string, number[]> {
  const { vocabRows, embedDim: E, hiddenDim: H, ffnDim: F } = USE_LITE;
  const shapes = new Map<string, number[]>([['embeddings', [vocabRows, E]]]);
  for (const [i, width] of [
    [0, E],
    [1, H],
  ] as const) {
    shapes.set(`layer_${i}/attention/layer_norm/scale`, [width]);
    shapes.set(`layer_${i}/attention/layer_norm/bias`, [width]);
    shapes.set(`layer_${i}/attention/qkv/kernel`, [width, 3 * width]);
    shapes.set(`layer_${i}/attention/qkv/bias`, [3 * width]);
    shapes.set(`layer_${i}/attention/output/kernel`, [width, H]);
    shapes.set(`layer_${i}/attention/output/bias`, [H]);
    if (i === 0) {
      shapes.set('layer_0/residual/kernel', [E, H]);
      shapes.set('layer_0/residual/bias', [H]);
    }
    shapes.set(`layer_${i}/ffn/layer_norm/scale`, [H]);
    shapes.set(`layer_${i}/ffn/layer_norm/bias`, [H]);
    shapes.set(`layer_${i}/ffn/conv1/kernel`, [H, F]);
    shapes.set(`layer_${i}/ffn/conv1/bias`, [F]);
    shapes.set(`layer_${i}/ffn/conv2/kernel`, [F, H]);
    shapes.set(`layer_${i}/ffn/conv2/bias`, [H]);
  }
  shapes.set('pooler/kernel', [H, H]);
  shapes.set('pooler/bias', [H]);
  return shapes;
}

/**
 * Picks the base parameters out of the decoded graph weights, reshaped to our shapes.
 * Returns new tensors; the caller still owns (and should dispose) `graph`.
 */
export function baseParamsFromGraph(graph: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const shapes = baseParamShapes();
  const out = new Map<string, tf.Tensor>();
  for (const [name, source] of Object.entries(GRAPH_SOURCES)) {
    const t = graph[source];
    const shape = shapes.get(name)!;
    if (!t) throw new Error(`USE lite weights lack ${source}`);
    if (t.size !== shape.reduce((a, b) => a * b, 1)) {
      throw new Error(`USE lite weight ${source} has shape [${t.shape}], expected [${shape}]`);
    }
    out.set(name, t.reshape(shape));
  }
  return out;
}
