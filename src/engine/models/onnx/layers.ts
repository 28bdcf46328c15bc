/** Building blocks shared by the USE lite and BERT graphs, each mirroring its TF.js counterpart. */
import { type GraphBuilder, attr } from './graph';

/** x @ kernel + bias over the last axis (kernel held [in, out] as in TF.js). */
export function dense(g: GraphBuilder, x: string, kernel: string, bias?: string): string {
  const y = g.op('MatMul', [x, kernel]);
  return bias ? g.op('Add', [y, bias]) : y;
}

/** LayerNormalization over the last axis (biased variance, epsilon inside the square root). */
export function layerNorm(g: GraphBuilder, x: string, scale: string, bias: string, epsilon: number): string {
  return g.op('LayerNormalization', [x, scale, bias], { axis: attr.int(-1), epsilon: attr.float(epsilon) });
}

/** Sum over `axes`. */
export function reduceSum(g: GraphBuilder, x: string, axes: number[], keepdims: boolean): string {
  return g.op('ReduceSum', [x, g.constI(axes)], { keepdims: attr.int(keepdims ? 1 : 0) });
}

export function unsqueeze(g: GraphBuilder, x: string, axes: number[]): string {
  return g.op('Unsqueeze', [x, g.constI(axes)]);
}

/** [B, L, width] -> [B, heads, L, depth] (perm [0, 2, 1, 3]) or, for keys, [B, heads, depth, L]. */
export function splitHeads(g: GraphBuilder, x: string, heads: number, depth: number, transposed = false): string {
  const r = g.op('Reshape', [x, g.constI([0, 0, heads, depth])]);
  return g.op('Transpose', [r], { perm: attr.ints(transposed ? [0, 2, 3, 1] : [0, 2, 1, 3]) });
}

/** [B, heads, L, depth] -> [B, L, heads * depth]. */
export function mergeHeads(g: GraphBuilder, x: string, width: number): string {
  const t = g.op('Transpose', [x], { perm: attr.ints([0, 2, 1, 3]) });
  return g.op('Reshape', [t, g.constI([0, 0, width])]);
}

/** Additive attention bias for padded keys: (1 - mask) * big, shaped [B, 1, 1, L]. */
export function paddingBias(g: GraphBuilder, maskF: string, big: number): string {
  const b = g.op('Mul', [g.op('Sub', [g.scalarF(1), maskF]), g.scalarF(big)]);
  return unsqueeze(g, b, [1, 2]);
}

/** Sequence length of a [B, L] input as an int64 scalar. */
export function seqLength(g: GraphBuilder, ids: string): string {
  return g.op('Gather', [g.op('Shape', [ids]), g.scalarI(1)], { axis: attr.int(0) });
}

/** [B * L, width] rows of a batch whose int64 shape is `bl` ([B, L]) -> [B, heads, L, depth], or [B, heads, depth, L] for keys. */
export function rowsToHeads(g: GraphBuilder, rows: string, bl: string, heads: number, depth: number, transposed = false): string {
  const r = g.op('Reshape', [rows, g.op('Concat', [bl, g.constI([heads, depth])], { axis: attr.int(0) })]);
  return g.op('Transpose', [r], { perm: attr.ints(transposed ? [0, 2, 3, 1] : [0, 2, 1, 3]) });
}

/** [B, heads, L, depth] -> [B * L, heads * depth] rows. */
export function headsToRows(g: GraphBuilder, x: string, width: number): string {
  const t = g.op('Transpose', [x], { perm: attr.ints([0, 2, 1, 3]) });
  return g.op('Reshape', [t, g.constI([-1, width])]);
}
