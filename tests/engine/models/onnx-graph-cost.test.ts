/**
 * What ONNX Runtime runs for the USE lite export (issue 14 throughput), read from its profile
 * (op type and input shapes of every node) on one [4, 10] batch: layer 1's last dense layer
 * runs on pooled rows, not on every token, layer 0's residual projection is looked up, and
 * every per-token dense layer is one Gemm (MatMul + bias fused), not a MatMul and an Add;
 * Q, K and V come from three Gemms, not one split afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import { USE_LITE } from '../../../src/engine/models/use-lite';
import { buildOnnxModel } from '../../../src/engine/models/onnx';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';

const B = 4;
const L = 10;
const tmpDirs: string[] = [];

interface NodeRun {
  op: string;
  inputs: number[][];
}

/** Runs `bytes` once on `feeds` with the app's session options plus profiling; the nodes it ran. */
async function profiledRun(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<NodeRun[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-onnx-prof-'));
  tmpDirs.push(dir);
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    intraOpNumThreads: 1,
    enableProfiling: true,
    profileFilePrefix: path.join(dir, 'profile'),
  });
  try {
    await session.run(feeds);
    session.endProfiling();
  } finally {
    await session.release();
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.json'));
  expect(file).toBeDefined();
  const events = JSON.parse(fs.readFileSync(path.join(dir, file!), 'utf8')) as {
    cat?: string;
    name: string;
    args?: { op_name?: string; input_type_shape?: Record<string, number[]>[] };
  }[];
  return events
    .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))
    .map((e) => ({ op: e.args!.op_name!, inputs: (e.args!.input_type_shape ?? []).map((t) => Object.values(t)[0]!) }));
}

function int64(values: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [B, L]);
}

/** Token ids 5.. (no padding id), row b with its last b positions padded. */
function feedsFor(kind: 'bi' | 'cross'): Record<string, ort.Tensor> {
  const ids: number[] = [];
  const mask: number[] = [];
  const types: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < L; j++) {
      const real = j < L - b;
      ids.push(real ? 5 + ((b * 37 + j * 11) % 7000) : 0);
      mask.push(real ? 1 : 0);
      types.push(real && j >= (L - b) / 2 ? 1 : 0);
    }
  }
  const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids), attention_mask: int64(mask) };
  if (kind === 'cross') feeds.token_type_ids = int64(types);
  return feeds;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
/** A [B * L, width] or [B, L, width] input: one row per token. */
const perToken = (s: number[]) => sameShape(s.slice(0, -1), [B * L]) || sameShape(s.slice(0, -1), [B, L]);

function expectCheapGraph(nodes: NodeRun[], pooledRows: number): void {
  expect(nodes.length).toBeGreaterThan(20);
  // Inputs F = 1536 wide are the FFN's inner activations, the input of its last dense layer.
  const wide = nodes.filter((n) => /Gemm|MatMul/.test(n.op) && n.inputs[0]?.at(-1) === USE_LITE.ffnDim).map((n) => n.inputs[0]!);
  expect(wide.filter(perToken)).toEqual([[B * L, USE_LITE.ffnDim]]); // layer 0 only
  expect(wide.filter((s) => !perToken(s))).toEqual(Array.from({ length: pooledRows }, () => [B, USE_LITE.ffnDim])); // layer 1, per sentence
  // No per-token dense layer is left as MatMul + Add: all run as (Fused)Gemm, Q, K and V as
  // three each (no Split copy): layer 0 Q, K, V, output, 2 FFN; layer 1 the same but its last FFN layer.
  expect(nodes.filter((n) => n.op === 'MatMul' && perToken(n.inputs[0]!))).toEqual([]);
  expect(nodes.filter((n) => n.op === 'Split')).toEqual([]);
  const gemms = nodes.filter((n) => /Gemm/.test(n.op) && perToken(n.inputs[0]!));
  expect(gemms).toHaveLength(11);
  // 256 wide: layer 0's Q, K, V and attention output; its residual projection comes from tables.
  expect(gemms.filter((n) => n.inputs[0]!.at(-1) === USE_LITE.embedDim)).toHaveLength(4);
}

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
});

afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('USE lite ONNX graph cost (what ONNX Runtime runs)', () => {
  it('bi-encoder: layer 1 FFN output on pooled rows; no per-token residual product; dense layers as Gemm', async () => {
    const bi = loadUseLiteBiEncoder();
    try {
      expectCheapGraph(await profiledRun(buildOnnxModel(bi).bytes, feedsFor('bi')), 1);
    } finally {
      bi.dispose();
    }
  });

  it('cross-encoder: the same, once per pooled text (a and b)', async () => {
    const cross = loadUseLiteCrossEncoder();
    try {
      expectCheapGraph(await profiledRun(buildOnnxModel(cross).bytes, feedsFor('cross')), 2);
    } finally {
      cross.dispose();
    }
  });
});
