/**
 * Speeds up matrix products on the wasm backend.
 *
 * tfjs-backend-wasm's BatchMatMul uses XNNPACK only for a plain 2-D product `a @ b` (batch 1,
 * no transpose flags). With transposeA/transposeB, or with a batch, it falls back to a
 * generic loop that measured 10-40x slower on this project's machines. Backpropagation of
 * every dense layer needs transposed products (dy @ W^T, x^T @ dy) and attention needs
 * batched ones, so training suffered most.
 *
 * The patch replaces the wasm BatchMatMul kernel with one that
 * - materialises a transposed operand with the (cheap) Transpose kernel,
 * - folds a batch of `a` against a single matrix `b` into one 2-D product, and
 * - runs a batch of equally-batched products as a loop of 2-D products,
 * then calls the original kernel, so every product takes the XNNPACK path. The maths is
 * unchanged, so gradients stay correct, and it works for every caller: our model code,
 * tf.matMul gradients, tf.layers and graph models.
 */
import * as tf from '@tensorflow/tfjs';
import { MIN_NATIVE_MACS, type NativeProduct, nativeMatMulProvider } from './nativeMatMul';

const KERNEL = 'BatchMatMul';
const BACKEND = 'wasm';
/** Below this many multiply-adds per product, looping costs more than the generic loop. */
const MIN_WORK_PER_ITEM = 32 * 32 * 32;

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;
/** The parts of tfjs-backend-wasm's BackendWasm this patch uses (all public methods). */
interface WasmBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
}

let original: tf.KernelConfig | undefined;
/** Set by an explicit uninstall, so ensureWasmMatMulPatch() leaves tfjs's kernel alone. */
let optedOut = false;

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

const product = (xs: readonly number[]) => xs.reduce((p, x) => p * x, 1);
/** A view of the same data with another shape (no copy, no reference count change). */
const view = (x: Info, shape: number[]): Info => ({ dataId: x.dataId, dtype: x.dtype, shape });

interface Kernels {
  orig: tf.KernelConfig;
  transpose: tf.KernelConfig;
  concat: tf.KernelConfig;
}

/**
 * The product on ONNX Runtime's native kernels (nativeMatMul.ts) when its shape is one they
 * take: 2-D, a batch against one matrix (folded into 2-D), or equal batches (rank 3). Returns
 * undefined to leave it to XNNPACK (too small, unequal batches, or the native call failed).
 */
function runNative(native: { run(p: NativeProduct): void }, wasm: WasmBackend, a: Info, b: Info, transposeA: boolean, transposeB: boolean): Info | undefined {
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? a1 : a0;
  const inner = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  const batchA = product(a.shape.slice(0, -2));
  const batchB = product(b.shape.slice(0, -2));
  if (Math.max(batchA, batchB) * m * inner * n < MIN_NATIVE_MACS) return undefined;
  let aDims: number[];
  let bDims: number[];
  let outDims: number[];
  if (batchB === 1 && !transposeA && a.shape.length >= b.shape.length) {
    aDims = [batchA * a0, a1];
    bDims = [b0, b1];
    outDims = [batchA * m, n];
  } else if (batchA === batchB && tf.util.arraysEqual(a.shape.slice(0, -2), b.shape.slice(0, -2))) {
    aDims = [batchA, a0, a1];
    bDims = [batchB, b0, b1];
    outDims = [batchA, m, n];
  } else return undefined;
  const outShape = [...(a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2), m, n];
  const out = wasm.makeOutput(outShape, 'float32');
  try {
    // Heap views after allocating the output: allocation may grow (move) the heap.
    native.run({
      a: wasm.typedArrayFromHeap(a),
      b: wasm.typedArrayFromHeap(b),
      aDims,
      bDims,
      transposeA,
      transposeB,
      out: wasm.typedArrayFromHeap(out),
      outDims,
    });
    return out;
  } catch {
    wasm.disposeData(out.dataId);
    return undefined;
  }
}

function makePatchedKernel(k: Kernels): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    const a = inputs['a'] as Info;
    const b = inputs['b'] as Info;
    const transposeA = Boolean(attrs?.['transposeA']);
    const transposeB = Boolean(attrs?.['transposeB']);
    const batchA = product(a.shape.slice(0, -2));
    const batchB = product(b.shape.slice(0, -2));
    const native = nativeMatMulProvider();
    if (native && a.dtype === 'float32' && b.dtype === 'float32') {
      const out = runNative(native, backend as unknown as WasmBackend, a, b, transposeA, transposeB);
      if (out) return out;
      native.info.fallbacks++;
    }
    if (!transposeA && !transposeB && batchA === 1 && batchB === 1) return k.orig.kernelFunc(args);

    const temporaries: Info[] = [];
    const keep = (t: Info) => {
      temporaries.push(t);
      return t;
    };
    const run = (x: Info, y: Info) => k.orig.kernelFunc({ inputs: { a: x, b: y }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as Info;
    try {
      const a2 = transposeA ? keep(k.transpose.kernelFunc({ inputs: { x: a }, backend, attrs: { perm: swapLastTwo(a.shape.length) } }) as Info) : a;
      const b2 = transposeB ? keep(k.transpose.kernelFunc({ inputs: { x: b }, backend, attrs: { perm: swapLastTwo(b.shape.length) } }) as Info) : b;
      const [m, inner] = a2.shape.slice(-2) as [number, number];
      const n = b2.shape[b2.shape.length - 1]!;
      const outBatchShape = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
      const outShape = [...outBatchShape, m, n];

      if (batchB === 1) {
        // Many rows against one matrix: a single [batch*m, k] @ [k, n].
        const out = run(view(a2, [batchA * m, inner]), view(b2, [inner, n]));
        return view(out, outShape);
      }
      const sameBatch = batchA === batchB && tf.util.arraysEqual(a.shape.slice(0, -2), b.shape.slice(0, -2));
      if (!sameBatch || batchA === 0 || m * inner * n < MIN_WORK_PER_ITEM) return run(a2, b2);

      // Equal batches: one XNNPACK product per item, then concatenate.
      // (The Slice kernel would copy the whole input per item via readSync, so items are
      // copied straight from the wasm heap.)
      const wasm = backend as unknown as WasmBackend;
      const item = (x: Info, i: number, rows: number, cols: number): Info => {
        const out = keep(wasm.makeOutput([rows, cols], 'float32'));
        // Views of the heap are taken after allocating: allocation may grow (move) the heap.
        const src = wasm.typedArrayFromHeap(x);
        wasm.typedArrayFromHeap(out).set(src.subarray(i * rows * cols, (i + 1) * rows * cols));
        return out;
      };
      const parts: Info[] = [];
      for (let i = 0; i < batchA; i++) {
        const oi = keep(run(item(a2, i, m, inner), item(b2, i, inner, n)));
        parts.push(view(oi, [1, m, n]));
      }
      // The Concat kernel takes its inputs as an array (typed as a map in tfjs).
      const out = k.concat.kernelFunc({ inputs: parts as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis: 0 } }) as Info;
      return view(out, outShape);
    } finally {
      for (const t of temporaries) (backend as unknown as WasmBackend).disposeData(t.dataId);
    }
  };
}

/**
 * Installs the patch (idempotent). Works before or after the wasm backend is initialised;
 * returns false when tfjs-backend-wasm has not registered its kernels yet.
 */
export function installWasmMatMulPatch(): boolean {
  optedOut = false;
  if (original) return true;
  const orig = tf.getKernel(KERNEL, BACKEND);
  const transpose = tf.getKernel('Transpose', BACKEND);
  const concat = tf.getKernel('Concat', BACKEND);
  if (!orig || !transpose || !concat) return false;
  tf.unregisterKernel(KERNEL, BACKEND);
  tf.registerKernel({ ...orig, kernelFunc: makePatchedKernel({ orig, transpose, concat }) });
  original = orig;
  return true;
}

/** Restores tfjs's own kernel (used by the benchmark to measure the difference). */
export function uninstallWasmMatMulPatch(): void {
  optedOut = true;
  if (!original) return;
  tf.unregisterKernel(KERNEL, BACKEND);
  tf.registerKernel(original);
  original = undefined;
}

/** Installs the patch when wasm is active, unless it was explicitly uninstalled. */
export function ensureWasmMatMulPatch(): void {
  if (!original && !optedOut && tf.getBackend() === BACKEND) installWasmMatMulPatch();
}

export function isWasmMatMulPatchInstalled(): boolean {
  return original !== undefined;
}
