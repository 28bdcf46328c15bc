/**
 * Opt-in int8 dense layers for the ONNX export (issue 14): weights quantised per output column
 * to 7-bit symmetric int8 once at export, activations quantised per batch at run time
 * (DynamicQuantizeLinear -> MatMulInteger, which ONNX Runtime fuses into one int8 GEMM).
 * 7 bits, not 8: on AVX2 without VNNI the u8 x s8 kernel sums pairs of products in int16,
 * which full-range weights can saturate (ONNX Runtime's own quantiser reduces the range too).
 * It changes the vectors a little, so it is never the default; bench/inference-throughput.ts
 * measures its cost on the STS sets.
 */
import { DataType, type GraphBuilder, attr, floatTensor, int8Tensor } from './graph';
import type { NamedWeight } from './weights';

const WEIGHT_MAX = 63;

/** [in, out] float kernel -> int8 kernel and one scale per output column. */
export function quantizeKernel(w: NamedWeight): { q: Int8Array; scales: Float32Array } {
  const [rows, cols] = w.shape as [number, number];
  const scales = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    let max = 0;
    for (let r = 0; r < rows; r++) max = Math.max(max, Math.abs(w.data[r * cols + c]!));
    scales[c] = max > 0 ? max / WEIGHT_MAX : 1;
  }
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.max(-WEIGHT_MAX, Math.min(WEIGHT_MAX, Math.round(w.data[r * cols + c]! / scales[c]!)));
  }
  return { q, scales };
}

/** x @ kernel (+ bias) through int8: the float kernel `w` is quantised into new initializers named after `name`. */
export function quantizedDense(g: GraphBuilder, x: string, name: string, w: NamedWeight, bias?: string): string {
  if (w.shape.length !== 2) throw new Error(`int8 dense: weight ${name} has shape [${w.shape}], expected [in, out]`);
  const { q, scales } = quantizeKernel(w);
  const cols = w.shape[1]!;
  const kq = g.initializer(`int8/${name}/kernel`, int8Tensor(q, w.shape));
  const kzp = g.initializer(`int8/${name}/zero_point`, int8Tensor(new Int8Array(cols), [cols]));
  const ks = g.initializer(`int8/${name}/scale`, floatTensor(scales, [cols]));
  const [xq, xs, xzp] = g.opN('DynamicQuantizeLinear', [x], 3) as [string, string, string];
  const acc = g.op('MatMulInteger', [xq, kq, xzp, kzp]);
  const y = g.op('Mul', [g.op('Cast', [acc], { to: attr.int(DataType.FLOAT) }), g.op('Mul', [xs, ks])]);
  return bias ? g.op('Add', [y, bias]) : y;
}
