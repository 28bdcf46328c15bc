/**
 * Picks and initialises the TensorFlow.js backend the engine computes on.
 *
 * auto order: tensorflow (tfjs-node-gpu, then tfjs-node, when installed) -> webgpu (only with
 * TENC_WEBGPU=1, see below) -> wasm -> cpu. Asking for one backend explicitly tries only
 * that one and falls back to wasm, then cpu, saying why in `reason`.
 *
 * WebGPU sits behind TENC_WEBGPU=1 in auto mode: on machines without a Vulkan/Metal/D3D
 * driver (such as the build machines of this project) the `webgpu` package finds no
 * adapter, and where it does find one, tfjs-backend-webgpu training has not been validated
 * against the wasm results here. An explicit `initBackend('webgpu')` always tries it.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { installWasmMatMulPatch } from './wasmMatMulPatch';
import { installNativeMatMul, nativeMatMulInfo } from './nativeMatMul';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  /** The tfjs backend now active. */
  name: BackendName;
  /** Why this backend was chosen, including why better ones were skipped. */
  reason: string;
}

export interface InitBackendOptions {
  /** Folder holding tfjs-backend-wasm's .wasm files (default: the installed package's dist/). */
  wasmDir?: string;
  /** Environment to read TENC_WEBGPU from (default: process.env). */
  env?: Record<string, string | undefined>;
}

type Attempt = { ok: true; detail: string } | { ok: false; why: string };

const requireHere = createRequire(import.meta.url);
let current: BackendInfo | undefined;
/** The preference that produced `current`. */
let currentPreference: BackendPreference | undefined;
let pending: Promise<BackendInfo> | undefined;
let wasmPathsSet = false;

/** Non-literal specifiers keep bundlers and the type checker away from optional packages. */
async function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

/** Default location of the wasm binaries: next to the installed package's entry file. */
export function defaultWasmDir(): string {
  return path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

async function tryTensorflow(): Promise<Attempt> {
  const reasons: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(pkg);
    } catch (err) {
      reasons.push(`${pkg} not loadable (${message(err)})`);
      continue;
    }
    if (!tf.findBackendFactory('tensorflow')) {
      reasons.push(`${pkg} loaded but registered with another copy of @tensorflow/tfjs-core`);
      continue;
    }
    if (await activate('tensorflow')) return { ok: true, detail: `native TensorFlow via ${pkg}` };
    reasons.push(`${pkg} failed to initialise`);
  }
  return { ok: false, why: reasons.join('; ') };
}

async function tryWebgpu(): Promise<Attempt> {
  let gpu: { requestAdapter(): Promise<unknown> };
  try {
    const mod = (await importOptional('webgpu')) as {
      create(flags: string[]): { requestAdapter(): Promise<unknown> };
      globals: Record<string, unknown>;
    };
    Object.assign(globalThis, mod.globals);
    gpu = mod.create([]);
  } catch (err) {
    return { ok: false, why: `webgpu package not loadable (${message(err)})` };
  }
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter();
  } catch (err) {
    return { ok: false, why: `GPU adapter request failed (${message(err)})` };
  }
  if (!adapter) return { ok: false, why: 'no GPU adapter found' };
  // tfjs-backend-webgpu registers itself on import only if navigator.gpu exists.
  const g = globalThis as { navigator?: object };
  if (!g.navigator) g.navigator = {};
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  try {
    await importOptional('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    return { ok: false, why: `@tensorflow/tfjs-backend-webgpu not loadable (${message(err)})` };
  }
  if (!tf.findBackendFactory('webgpu')) return { ok: false, why: 'tfjs webgpu backend did not register' };
  if (await activate('webgpu')) return { ok: true, detail: 'GPU via WebGPU' };
  return { ok: false, why: 'tfjs webgpu backend failed to initialise' };
}

async function tryWasm(options: InitBackendOptions): Promise<Attempt> {
  const wasmDir = options.wasmDir;
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      // Node needs a file path (with trailing separator) to find the .wasm binaries; the
      // paths can only be set before the backend first initialises.
      const dir = wasmDir ?? defaultWasmDir();
      wasm.setWasmPaths(dir.endsWith(path.sep) || dir.endsWith('/') ? dir : dir + path.sep);
      wasmPathsSet = true;
    }
  } catch (err) {
    return { ok: false, why: `tfjs-backend-wasm not loadable (${message(err)})` };
  }
  if (!(await activate('wasm'))) return { ok: false, why: 'wasm backend failed to initialise' };
  installWasmMatMulPatch();
  const nativeOff = installNativeMatMul({}, options.env ?? process.env);
  const products = nativeOff ? `matrix products on XNNPACK (native: ${nativeOff})` : `matrix products on ONNX Runtime, ${nativeMatMulInfo()!.threads} threads`;
  return { ok: true, detail: `WebAssembly (XNNPACK), transposed matMul patch on, ${products}` };
}

async function tryCpu(): Promise<Attempt> {
  if (await activate('cpu')) return { ok: true, detail: 'pure JavaScript' };
  return { ok: false, why: 'cpu backend failed to initialise' };
}

async function choose(preference: BackendPreference, options: InitBackendOptions): Promise<BackendInfo> {
  const env = options.env ?? process.env;
  const order: BackendName[] =
    preference === 'auto'
      ? ['tensorflow', ...(env['TENC_WEBGPU'] === '1' ? (['webgpu'] as const) : []), 'wasm', 'cpu']
      : [preference, ...(['wasm', 'cpu'] as const).filter((n) => n !== preference)];
  const skipped: string[] = [];
  if (preference === 'auto' && env['TENC_WEBGPU'] !== '1') skipped.push('webgpu: off unless TENC_WEBGPU=1');
  for (const name of order) {
    const attempt =
      name === 'tensorflow' ? await tryTensorflow() : name === 'webgpu' ? await tryWebgpu() : name === 'wasm' ? await tryWasm(options) : await tryCpu();
    if (attempt.ok) {
      const asked = preference === 'auto' ? 'auto' : preference === name ? 'requested' : `fallback from ${preference}`;
      const reason = [`${name} (${asked}): ${attempt.detail}`, ...skipped].join('; ');
      return { name, reason };
    }
    skipped.push(`${name}: ${attempt.why}`);
  }
  throw new Error(`No TensorFlow.js backend could be initialised: ${skipped.join('; ')}`);
}

/**
 * Initialises a backend and makes it the active one. Calls are serialised; asking again for
 * the backend already active (or 'auto' again after an 'auto' call) returns at once.
 */
export async function initBackend(preference: BackendPreference = 'auto', options: InitBackendOptions = {}): Promise<BackendInfo> {
  while (pending) await pending.catch(() => undefined);
  const active = current && tf.getBackend() === current.name;
  if (active && (preference === currentPreference || preference === current!.name)) return current!;
  pending = choose(preference, options);
  try {
    current = await pending;
    currentPreference = preference;
    return current;
  } finally {
    pending = undefined;
  }
}

/** The backend chosen by the last initBackend call, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current && tf.getBackend() === current.name ? current : undefined;
}
