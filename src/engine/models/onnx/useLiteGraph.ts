/**
 * The USE lite forward pass (src/engine/models/use-lite/core.ts) as an ONNX graph, op for op:
 *   x = 2 E[ids] + timing(pos) [+ S[segments]]      (cross: pos restarts at 0 for the second text)
 *   layer 0: y = MHA(LN(x)) + dense(x);  z = y + FFN(LN(y))      (256 -> 512)
 *   layer 1: y = MHA(LN(z)) + z;         z = y + FFN(LN(y))   (its last dense layer after pooling)
 *   bi:    embeddings = l2(tanh(meanpool(z) @ W + b))
 *   cross: u, v = l2(pooler(mean over text a without its separator / over text b)),
 *          logit = s logit(clip(cos(u, v))) + c + k . [u*v, |u-v|]
 * with the cross-encoder's learned gate added to attention logits between segments.
 */
import { USE_LITE } from '../use-lite/params';
import { DataType, GraphBuilder, attr, floatTensor } from './graph';
import { dense, headsToRows, layerNorm, paddingBias, reduceSum, rowsToHeads, seqLength, unsqueeze } from './layers';
import { quantizedDense } from './quantizedDense';
import { type NamedWeight, WeightInitializers } from './weights';

/** Cosine clip before its logit, as COS_CLIP in use-lite/crossEncoder.ts (not exported there). */
const COS_CLIP = 1e-4;

export interface UseLiteGraphSpec {
  kind: 'bi' | 'cross';
  weights: ReadonlyMap<string, NamedWeight>;
  /** [128] inverse timescales of the sinusoidal timing signal (a constant of the base graph). */
  invTimescales: Float32Array;
  /** 'int8': the per-token dense layers in int8 (quantizedDense.ts); default float32. */
  quantize?: 'int8';
}

export function buildUseLiteGraph(spec: UseLiteGraphSpec): GraphBuilder {
  const { embedDim: E, hiddenDim: H, ffnDim: F, heads, layerNormEpsilon: eps } = USE_LITE;
  const g = new GraphBuilder(spec.kind === 'bi' ? 'use_lite_bi_encoder' : 'use_lite_cross_encoder');
  const w = new WeightInitializers(g, spec.weights);

  const ids = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const maskIn = g.input('attention_mask', DataType.INT64, ['batch', 'sequence']);
  const segIn = spec.kind === 'cross' ? g.input('token_type_ids', DataType.INT64, ['batch', 'sequence']) : undefined;
  const mask = g.op('Cast', [maskIn], { to: attr.int(DataType.FLOAT) });
  const layout = segIn ? pairLayoutOps(g, maskIn, segIn) : undefined;

  // Embeddings: the graph adds the embedding twice (Layer_0/add = emb + AddTimingSignal(emb)).
  const emb = g.op('Gather', [w.use('embeddings'), ids], { axis: attr.int(0) });
  const inv = g.initializer('timing/inv_timescales', floatTensor(spec.invTimescales, [1, spec.invTimescales.length]));
  const timing = layout ? timingAt(g, layout.positions, inv) : timingSignal(g, ids, inv);
  let x3 = g.op('Add', [g.op('Mul', [emb, g.scalarF(2)]), timing]);
  if (segIn) x3 = g.op('Add', [x3, g.op('Gather', [w.use('segment_embeddings', [2, E]), segIn], { axis: attr.int(0) })]);
  // Token states are kept as [B * L, width] rows: ONNX Runtime fuses a 2-D MatMul + Add (+ Relu)
  // into one Gemm, but not a 3-D one (the bias adds were 9% of the run time).
  const bl = g.op('Shape', [ids]);
  const x = g.op('Reshape', [x3, g.constI([-1, E])]);
  const perSequence = (rows: string, width: number) => g.op('Reshape', [rows, g.op('Concat', [bl, g.constI([width])], { axis: attr.int(0) })]);

  let bias = paddingBias(g, mask, USE_LITE.paddingBias);
  if (segIn) {
    // 1 where query and key lie in different segments, times the learned gate.
    const segF = g.op('Cast', [segIn], { to: attr.int(DataType.FLOAT) });
    const differ = g.op('Abs', [g.op('Sub', [unsqueeze(g, segF, [1, 3]), unsqueeze(g, segF, [1, 2])])]);
    bias = g.op('Add', [bias, g.op('Mul', [differ, w.use('cross_attention_gate', [])])]);
  }

  // Layer 0's residual projection (2 E[ids] + timing [+ S[segments]]) W + b, term by term: ORT
  // folds E W into a [vocab, 512] table when it loads the model, and the timing term is [L, 512]
  // per batch, so no per-token 256 x 512 product is left (4% of the run time; +16 MB of table).
  const residualRows = (): string => {
    const wr = w.use('layer_0/residual/kernel', [E, H]);
    const table = (t: string, at: string) => g.op('Gather', [t, at], { axis: attr.int(0) });
    const timingW = g.op('Gemm', [timingSignal(g, ids, inv), wr, w.use('layer_0/residual/bias')]);
    let r = g.op('Add', [
      g.op('Mul', [table(g.op('MatMul', [w.use('embeddings'), wr]), ids), g.scalarF(2)]),
      layout ? table(timingW, g.op('Cast', [layout.positions], { to: attr.int(DataType.INT64) })) : timingW,
    ]);
    if (segIn) r = g.op('Add', [r, table(g.op('MatMul', [w.use('segment_embeddings', [2, E]), wr]), segIn)]);
    return g.op('Reshape', [r, g.constI([-1, H])]);
  };

  // Per-token dense layers (all but the pooler): float, or int8 when asked for.
  const linear = (x: string, kernel: string, shape: [number, number], bias?: string): string => {
    if (spec.quantize !== 'int8') return bias ? g.op('Gemm', [x, w.use(kernel, shape), w.use(bias)]) : dense(g, x, w.use(kernel, shape));
    const kw = spec.weights.get(kernel);
    if (!kw || kw.shape[0] !== shape[0] || kw.shape[1] !== shape[1])
      throw new Error(`ONNX export: weight ${kernel} has shape [${kw?.shape ?? 'none'}], expected [${shape}]`);
    return quantizedDense(g, x, kernel, kw, bias && w.use(bias));
  };
  const splitQkv = (qkv: string, width: number) => g.opN('Split', [qkv, g.constI([width, width, width])], 3, { axis: attr.int(1) });
  // Q, K and V as three Gemms on column slices of the kernel (ORT folds the slices at load):
  // no Split copy of the [B * L, 3 width] product (2-3% of the run time).
  const qkvRows = (h: string, p: string, width: number): string[] =>
    [0, 1, 2].map((i) => {
      const cols = (t: string, axis: number) => g.op('Slice', [t, g.constI([i * width]), g.constI([(i + 1) * width]), g.constI([axis])]);
      return g.op('Gemm', [h, cols(w.use(p + 'qkv/kernel', [width, 3 * width]), 1), cols(w.use(p + 'qkv/bias'), 0)]);
    });
  const ln = (v: string, p: string) => layerNorm(g, v, w.use(p + '/layer_norm/scale'), w.use(p + '/layer_norm/bias'), eps);
  const attention = (h: string, layer: 0 | 1, width: number): string => {
    const p = `layer_${layer}/attention/`;
    const depth = width / heads;
    const [q, k, v] = spec.quantize === 'int8' ? splitQkv(linear(h, p + 'qkv/kernel', [width, 3 * width], p + 'qkv/bias'), width) : qkvRows(h, p, width);
    const qh = g.op('Mul', [rowsToHeads(g, q, bl, heads, depth), g.scalarF(Math.fround(1 / Math.sqrt(depth)))]);
    const scores = g.op('Add', [g.op('MatMul', [qh, rowsToHeads(g, k, bl, heads, depth, true)]), bias]);
    const probs = g.op('Softmax', [scores], { axis: attr.int(-1) });
    const context = headsToRows(g, g.op('MatMul', [probs, rowsToHeads(g, v, bl, heads, depth)]), width);
    return linear(context, p + 'output/kernel', [width, H], p + 'output/bias');
  };
  const ffnInner = (y: string, layer: 0 | 1): string => {
    const p = `layer_${layer}/ffn/`;
    return g.op('Relu', [linear(ln(y, `layer_${layer}/ffn`), p + 'conv1/kernel', [H, F], p + 'conv1/bias')]);
  };

  // Layer 0 (its residual is projected 256 -> 512), then layer 1.
  const residual = spec.quantize === 'int8' ? linear(x, 'layer_0/residual/kernel', [E, H], 'layer_0/residual/bias') : residualRows();
  let y = g.op('Add', [attention(ln(x, 'layer_0/attention'), 0, E), residual]);
  const z = g.op('Add', [y, linear(ffnInner(y, 0), 'layer_0/ffn/conv2/kernel', [F, H], 'layer_0/ffn/conv2/bias')]);
  y = g.op('Add', [attention(ln(z, 'layer_1/attention'), 1, H), z]);
  const inner1 = ffnInner(y, 1);

  // Only pooled states leave layer 1, and its last dense layer is linear, so it runs on the
  // pooled rows: sum(w (y + r W + b)) = sum(w y) + sum(w r) W + sum(w) b, one [B, F] x [F, H]
  // product instead of one per token (17% of the model's multiply-adds).
  const pool = (weights: string): string => {
    // Weighted sums over tokens as [B, 1, L] x [B, L, width] products.
    const w3 = unsqueeze(g, weights, [1]);
    const weightedSum = (rows: string, width: number) => g.op('Reshape', [g.op('MatMul', [w3, perSequence(rows, width)]), g.constI([-1, width])]);
    const count = reduceSum(g, weights, [1], true);
    const ffnSum = g.op('Add', [linear(weightedSum(inner1, F), 'layer_1/ffn/conv2/kernel', [F, H]), g.op('Mul', [count, w.use('layer_1/ffn/conv2/bias')])]);
    const summed = g.op('Add', [weightedSum(y, H), ffnSum]);
    const counts = g.op('Max', [count, g.scalarF(1)]);
    return g.op('Tanh', [dense(g, g.op('Div', [summed, counts]), w.use('pooler/kernel', [H, H]), w.use('pooler/bias'))]);
  };

  if (spec.kind === 'bi') {
    g.output(l2Normalize(g, pool(mask)), 'embeddings', DataType.FLOAT, ['batch', H]);
    return g;
  }
  const u = l2Normalize(g, pool(layout!.poolA));
  const v = l2Normalize(g, pool(layout!.poolB));
  const uv = g.op('Mul', [u, v]);
  // The head reads the cosine on the logit scale: logit(clip(cos, 1e-4, 1 - 1e-4)).
  const cos = g.op('Clip', [reduceSum(g, uv, [1], false), g.scalarF(COS_CLIP), g.scalarF(1 - COS_CLIP)]);
  const cosLogit = g.op('Sub', [g.op('Log', [cos]), g.op('Log', [g.op('Sub', [g.scalarF(1), cos])])]);
  const features = g.op('Concat', [uv, g.op('Abs', [g.op('Sub', [u, v])])], { axis: attr.int(1) });
  const head = g.op('Reshape', [g.op('MatMul', [features, w.use('score_head/kernel', [2 * H, 1])]), g.constI([-1])]);
  const logit = g.op('Add', [g.op('Add', [g.op('Mul', [cosLogit, w.use('score_head/cos_scale', [1])]), w.use('score_head/bias', [1])]), head]);
  g.output(logit, 'logits', DataType.FLOAT, ['batch']);
  return g;
}

/** sin/cos timing signal for positions 0..L-1, [L, 256], computed as the TF.js core does. */
function timingSignal(g: GraphBuilder, ids: string, inv: string): string {
  const len = g.op('Cast', [seqLength(g, ids)], { to: attr.int(DataType.FLOAT) });
  const positions = g.op('Range', [g.scalarF(0), len, g.scalarF(1)]);
  const scaled = g.op('Mul', [unsqueeze(g, positions, [1]), inv]);
  return g.op('Concat', [g.op('Sin', [scaled]), g.op('Cos', [scaled])], { axis: attr.int(1) });
}

/**
 * sin/cos timing signal at per-token positions ([B, L] float, whole numbers), [B, L, 256]:
 * the same float products as gathering rows of the 0..n-1 table, as the TF.js core does.
 */
function timingAt(g: GraphBuilder, positions: string, inv: string): string {
  const scaled = g.op('Mul', [unsqueeze(g, positions, [2]), inv]);
  return g.op('Concat', [g.op('Sin', [scaled]), g.op('Cos', [scaled])], { axis: attr.int(2) });
}

/**
 * use-lite/crossEncoder.ts pairLayout in graph ops, from the int64 mask and segment ids.
 * Per row: length = number of leading real tokens; bStart = first i < length with segment 1,
 * else length; positions = i before bStart, i - bStart from there; poolA = [i < bStart - 1]
 * (text a without the separator); poolB = [bStart <= i < length]. All [B, L] float; index
 * arithmetic is done on whole floats (exact far beyond any sequence length).
 */
export function pairLayoutOps(g: GraphBuilder, maskIn: string, segIn: string): { positions: string; poolA: string; poolB: string } {
  const f = (v: string) => g.op('Cast', [v], { to: attr.int(DataType.FLOAT) });
  const lenF = f(seqLength(g, maskIn));
  const idx = unsqueeze(g, g.op('Range', [g.scalarF(0), lenF, g.scalarF(1)]), [0]); // [1, L]
  const real = f(g.op('Greater', [maskIn, g.scalarI(0)]));
  // Leading real tokens: those whose running count of real tokens equals their index + 1.
  const leading = f(g.op('Equal', [g.op('CumSum', [real, g.scalarI(1)]), g.op('Add', [idx, g.scalarF(1)])]));
  const length = reduceSum(g, leading, [1], true); // [B, 1]
  const inB = g.op('Mul', [f(g.op('Equal', [segIn, g.scalarI(1)])), leading]);
  // Index of the first segment-1 token (others pushed to >= L), capped at the length.
  const firstB = g.op('ReduceMin', [g.op('Add', [idx, g.op('Mul', [g.op('Sub', [g.scalarF(1), inB]), lenF])])], {
    axes: attr.ints([1]),
    keepdims: attr.int(1),
  });
  const bStart = g.op('Min', [firstB, length]); // [B, 1]
  const fromB = f(g.op('Not', [g.op('Less', [idx, bStart])]));
  const positions = g.op('Sub', [idx, g.op('Mul', [bStart, fromB])]);
  const poolA = f(g.op('Less', [idx, g.op('Sub', [bStart, g.scalarF(1)])]));
  const poolB = g.op('Mul', [fromB, f(g.op('Less', [idx, length]))]);
  return { positions, poolA, poolB };
}

/** Rows scaled to unit length: x * rsqrt(max(sum(x^2), 1e-12)), as core.ts's l2Normalize. */
export function l2Normalize(g: GraphBuilder, x: string): string {
  const sq = reduceSum(g, g.op('Mul', [x, x]), [1], true);
  return g.op('Div', [x, g.op('Sqrt', [g.op('Max', [sq, g.scalarF(1e-12)])])]);
}
