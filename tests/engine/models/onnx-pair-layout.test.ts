/**
 * The USE lite cross-encoder graph derives its pair layout (restarted positions of the second
 * text, pooling masks without separator and padding) from attention_mask and token_type_ids.
 * These ops, run alone in onnxruntime, must give exactly what the TF.js pairLayout gives.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DataType, GraphBuilder } from '../../../src/engine/models/onnx/graph';
import { packFeeds } from '../../../src/engine/models/onnx/textCodec';
import { pairLayoutOps } from '../../../src/engine/models/onnx/useLiteGraph';
import { type EncodedInput, packBatch } from '../../../src/engine/models/use-lite/core';
import { pairLayout } from '../../../src/engine/models/use-lite/crossEncoder';
import { rng } from './use-lite-fixtures';

/** `a </s> b` as the tokenizer encodes it: lenA tokens of segment 0 (the separator last), lenB of segment 1. */
function pairItem(lenA: number, lenB: number): EncodedInput {
  const ids = Array.from({ length: lenA + lenB }, (_, i) => 5 + i);
  return { ids, typeIds: [...Array<number>(lenA).fill(0), ...Array<number>(lenB).fill(1)], truncated: false };
}

async function graphLayout(items: EncodedInput[]): Promise<{ positions: number[]; poolA: number[]; poolB: number[] }> {
  const g = new GraphBuilder('pair_layout');
  const mask = g.input('attention_mask', DataType.INT64, ['batch', 'sequence']);
  const seg = g.input('token_type_ids', DataType.INT64, ['batch', 'sequence']);
  const out = pairLayoutOps(g, mask, seg);
  g.output(out.positions, 'positions', DataType.FLOAT, ['batch', 'sequence']);
  g.output(out.poolA, 'pool_a', DataType.FLOAT, ['batch', 'sequence']);
  g.output(out.poolB, 'pool_b', DataType.FLOAT, ['batch', 'sequence']);
  const session = await ort.InferenceSession.create(g.toModelProto(), { intraOpNumThreads: 1 });
  try {
    const { attention_mask, token_type_ids } = packFeeds(items, 0, true);
    const res = await session.run({ attention_mask: attention_mask!, token_type_ids: token_type_ids! });
    const read = (name: string) => Array.from(res[name]!.data as Float32Array);
    return { positions: read('positions'), poolA: read('pool_a'), poolB: read('pool_b') };
  } finally {
    await session.release();
  }
}

async function expectSameLayout(items: EncodedInput[]): Promise<void> {
  const ref = pairLayout(packBatch(items));
  const got = await graphLayout(items);
  expect(got.positions).toEqual(Array.from(ref.positions));
  expect(got.poolA).toEqual(Array.from(ref.poolA));
  expect(got.poolB).toEqual(Array.from(ref.poolB));
}

describe('USE lite cross-encoder pair layout in the ONNX graph', () => {
  it('matches pairLayout on edge cases: no second text, empty first text, lone separator, padding', async () => {
    const items = [pairItem(4, 3), pairItem(6, 0), pairItem(1, 5), pairItem(1, 0), pairItem(2, 1), pairItem(9, 9)];
    await expectSameLayout(items);
    // A spot check of the expected values themselves (row 0: a = 3 tokens + separator, b = 3, padded to 18).
    const { positions, poolA, poolB } = await graphLayout(items);
    expect(positions.slice(0, 7)).toEqual([0, 1, 2, 3, 0, 1, 2]);
    expect(poolA.slice(0, 8)).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
    expect(poolB.slice(0, 8)).toEqual([0, 0, 0, 0, 1, 1, 1, 0]);
  });

  it('matches pairLayout on random batches', async () => {
    const r = rng(77);
    for (let t = 0; t < 5; t++) {
      const items = Array.from({ length: 1 + Math.floor(r() * 7) }, () => pairItem(1 + Math.floor(r() * 20), Math.floor(r() * 20)));
      await expectSameLayout(items);
    }
  });
});
