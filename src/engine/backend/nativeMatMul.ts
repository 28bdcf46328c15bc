/**
 * Matrix products of the wasm backend computed by ONNX Runtime's native CPU kernels (MLAS:
 * AVX2 / AVX-512 FMA, spread over intra-op threads), issue 14.
 *
 * Why: training on tfjs-backend-wasm spends ~86% of a step in BatchMatMul (profiled on the
 * USE lite bi-encoder at batch 32, length 32), and XNNPACK in 128-bit wasm SIMD on one thread
 * reaches ~8 GFLOP/s on this project's machines, where ORT's native GEMM reaches 2.5x that on
 * one thread and uses every core. Node gives wasm no threads, so this is also what puts the
 * second core to work, without changing the maths: every product still runs in float32 with
 * the same operands, only the summation order differs (max |difference| ~1e-5 on
 * [1024, 512] x [512, 1536], the loss curves agree to 1e-4 relative, see tests).
 *
 * How: onnxruntime-node's native session runs synchronously underneath its Promise wrapper
 * (`binding.InferenceSession.run`), which is what a synchronous tfjs kernel needs. Inputs are
 * handed over as views of the wasm heap and the output is written straight into a tensor the
 * wasm backend allocated (no copies). One small ONNX graph per case: a 2-D Gemm with
 * transA/transB, and a rank-3 batched MatMul with transposes. Products too small to pay for a
 * session call (< MIN_NATIVE_MACS multiply-adds), other dtypes and unequal batches stay on
 * XNNPACK. When the binding cannot be loaded, `installNativeMatMul` returns a reason and
 * nothing changes.
 *
 * Opt out with TENC_NATIVE_MATMUL=0; TENC_MATMUL_THREADS sets the thread count (default: the
 * machine's cores, at most 8); TENC_MATMUL_SPIN=1 keeps idle threads spinning between products.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { DataType, GraphBuilder, attr } from '../models/onnx/graph';

/** Below this many multiply-adds per call, the session call costs more than it saves. */
export const MIN_NATIVE_MACS = 1 << 16;

interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, ort.Tensor>, fetches: Record<string, ort.Tensor | null>, options: object): Record<string, unknown>;
  dispose(): void;
}
interface Binding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

export interface NativeMatMulInfo {
  threads: number;
  /** Calls that ran natively / fell back to XNNPACK since installation. */
  calls: number;
  fallbacks: number;
}

export interface NativeMatMulOptions {
  threads?: number;
  /** Keep ORT's intra-op threads spinning between calls (default false: they sleep). */
  spinning?: boolean;
}

/** A product in the form the native sessions take: operands as stored, flags, output shape. */
export interface NativeProduct {
  a: Float32Array;
  b: Float32Array;
  /** Dims as stored (rank 2 or 3; rank 3 only with equal batches). */
  aDims: number[];
  bDims: number[];
  transposeA: boolean;
  transposeB: boolean;
  out: Float32Array;
  outDims: number[];
}

let provider: NativeMatMul | undefined;

class NativeMatMul {
  private readonly sessions = new Map<string, NativeSession>();
  readonly info: NativeMatMulInfo;

  constructor(
    private readonly bindingModule: Binding,
    private readonly sessionOptions: object,
    threads: number,
  ) {
    this.info = { threads, calls: 0, fallbacks: 0 };
  }

  private session(rank: 2 | 3, tA: boolean, tB: boolean): NativeSession {
    const key = `${rank}${+tA}${+tB}`;
    let s = this.sessions.get(key);
    if (!s) {
      const bytes = productGraph(rank, tA, tB);
      s = new this.bindingModule.binding.InferenceSession();
      s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, this.sessionOptions);
      this.sessions.set(key, s);
    }
    return s;
  }

  run(p: NativeProduct): void {
    const rank = p.aDims.length as 2 | 3;
    const s = this.session(rank, p.transposeA, p.transposeB);
    s.run({ A: new ort.Tensor('float32', p.a, p.aDims), B: new ort.Tensor('float32', p.b, p.bDims) }, { Y: new ort.Tensor('float32', p.out, p.outDims) }, {});
    this.info.calls++;
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }
}

/** Y = op(A) @ op(B): a 2-D Gemm (transA/transB in the kernel) or a batched rank-3 MatMul. */
function productGraph(rank: 2 | 3, tA: boolean, tB: boolean): Uint8Array {
  const g = new GraphBuilder(`matmul${rank}${+tA}${+tB}`);
  if (rank === 2) {
    const a = g.input('A', DataType.FLOAT, ['r', 'k']);
    const b = g.input('B', DataType.FLOAT, ['k2', 'c']);
    g.output(g.op('Gemm', [a, b], { transA: attr.int(+tA), transB: attr.int(+tB) }), 'Y', DataType.FLOAT, ['m', 'n']);
  } else {
    let a = g.input('A', DataType.FLOAT, ['batch', 'r', 'k']);
    let b = g.input('B', DataType.FLOAT, ['batch', 'k2', 'c']);
    if (tA) a = g.op('Transpose', [a], { perm: attr.ints([0, 2, 1]) });
    if (tB) b = g.op('Transpose', [b], { perm: attr.ints([0, 2, 1]) });
    g.output(g.op('MatMul', [a, b]), 'Y', DataType.FLOAT, ['batch', 'm', 'n']);
  }
  return g.toModelProto({ producer: 'transencoder-studio native matmul' });
}

/**
 * What computes the wasm backend's products in a process started with `env`, as a short tag
 * ("ort2", "xnnpack"): step costs measured on one path say nothing about the other, so the
 * training estimator keys its cached measurements by it.
 */
export function plannedMatMulTag(env: Record<string, string | undefined> = process.env): string {
  if (env['TENC_NATIVE_MATMUL'] === '0') return 'xnnpack';
  return `ort${threadsFromEnv(env) ?? defaultThreads()}`;
}

function defaultThreads(): number {
  return Math.min(os.availableParallelism?.() ?? os.cpus().length, 8);
}

function threadsFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = env['TENC_MATMUL_THREADS'];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/**
 * Loads the native sessions' binding and makes them the wasm backend's matrix product (through
 * the wasm matMul patch, which asks `nativeMatMulProvider()` first). Returns null when on, else
 * why not. Idempotent; reinstalling with other options replaces the provider.
 */
export function installNativeMatMul(options: NativeMatMulOptions = {}, env: Record<string, string | undefined> = process.env): string | null {
  if (env['TENC_NATIVE_MATMUL'] === '0') return 'off (TENC_NATIVE_MATMUL=0)';
  const threads = Math.max(1, Math.floor(options.threads ?? threadsFromEnv(env) ?? defaultThreads()));
  let mod: Binding;
  try {
    mod = createRequire(import.meta.url)('onnxruntime-node/dist/binding') as Binding;
    mod.initOrt();
  } catch (err) {
    return `onnxruntime-node binding not loadable (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  const sessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: (options.spinning ?? env['TENC_MATMUL_SPIN'] === '1') ? '1' : '0' } } },
  };
  const next = new NativeMatMul(mod, sessionOptions, threads);
  try {
    // Fail here, not inside a kernel, if the binding does not run a product as expected.
    const out = new Float32Array(4);
    next.run({
      a: Float32Array.of(1, 2, 3, 4),
      b: Float32Array.of(1, 0, 0, 1),
      aDims: [2, 2],
      bDims: [2, 2],
      transposeA: true,
      transposeB: false,
      out,
      outDims: [2, 2],
    });
    if (out[0] !== 1 || out[1] !== 3 || out[2] !== 2 || out[3] !== 4) throw new Error(`self-check gave [${Array.from(out)}]`);
    next.info.calls = 0;
  } catch (err) {
    next.dispose();
    return `native matmul self-check failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  provider?.dispose();
  provider = next;
  return null;
}

export function uninstallNativeMatMul(): void {
  provider?.dispose();
  provider = undefined;
}

/** The active native product, if installed (used by the wasm matMul patch). */
export function nativeMatMulProvider(): { run(p: NativeProduct): void; info: NativeMatMulInfo } | undefined {
  return provider;
}

export function nativeMatMulInfo(): NativeMatMulInfo | undefined {
  return provider ? { ...provider.info } : undefined;
}
