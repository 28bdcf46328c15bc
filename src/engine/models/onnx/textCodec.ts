/**
 * Tokenization for the ONNX runner: the same tokenizer, truncation and padding as the TF.js
 * encoder it was exported from, turned into int64 feeds.
 */
import * as ort from 'onnxruntime-node';
import type { BiEncoder, CrossEncoder } from '../encoder';
import { type HfEncoderConfig, positionLimit } from '../hf/config';
import { HfCrossEncoder } from '../hf/crossEncoder';
import { HfEncoder } from '../hf/hfEncoder';
import type { HfTokenizer } from '../../tokenize/pipeline';
import { UseLiteBiEncoder } from '../use-lite/biEncoder';
import { UseLiteCrossEncoder } from '../use-lite/crossEncoder';
import type { SentencePieceTokenizer } from '../../tokenize/sentencepiece';
import type { Encoded, EncodedPair } from '../../tokenize/types';
import type { OnnxFamily } from './buildModel';

export interface OnnxTextCodec {
  readonly family: OnnxFamily;
  /** Default longest token sequence. */
  readonly maxLength: number;
  /** Id that fills padded positions. */
  readonly padId: number;
  /** The effective maxLength for a requested one (validated, clamped to the positions). */
  limit(maxLength?: number): number;
  encode(text: string, maxLength: number): Encoded;
  encodePair(a: string, b: string, maxLength: number): EncodedPair;
}

/** USE lite: SentencePiece ids, `a </s> b` pairs with segment ids, padding id 0 (as packBatch). */
export function useLiteCodec(tokenizer: SentencePieceTokenizer, maxLength: number): OnnxTextCodec {
  return {
    family: 'use-lite',
    maxLength,
    padId: 0,
    limit: (m) => m ?? maxLength,
    encode: (text, m) => tokenizer.encode(text, { maxLength: m }),
    encodePair: (a, b, m) => tokenizer.encodePair(a, b, { maxLength: m }),
  };
}

/** BERT / RoBERTa: the checkpoint's tokenizer, clamped to the position table, segment ids clamped to the type table (as HfEncoder.pad). */
export function hfCodec(tokenizer: HfTokenizer, config: HfEncoderConfig, maxLength: number): OnnxTextCodec {
  const maxType = config.typeVocabSize - 1;
  return {
    family: config.modelType,
    maxLength,
    padId: tokenizer.ids.pad,
    limit(m) {
      const v = m ?? maxLength;
      if (!Number.isInteger(v) || v < 2) throw new RangeError(`maxLength must be an integer >= 2, not ${v}`);
      return Math.min(v, positionLimit(config));
    },
    encode: (text, m) => tokenizer.encode(text, { maxLength: m }),
    encodePair(a, b, m) {
      const e = tokenizer.encodePair(a, b, { maxLength: m });
      return { ...e, typeIds: e.typeIds.map((t) => Math.min(t, maxType)) };
    },
  };
}

/** The codec matching a loaded TF.js encoder. */
export function codecForModel(model: BiEncoder | CrossEncoder): OnnxTextCodec {
  if (model instanceof UseLiteBiEncoder || model instanceof UseLiteCrossEncoder) return useLiteCodec(model.tokenizer, model.maxLength);
  if (model instanceof HfEncoder || model instanceof HfCrossEncoder) return hfCodec(model.tokenizer, model.config, model.maxLength);
  throw new Error(`no ONNX tokenization for ${model.constructor?.name ?? typeof model}`);
}

/** Right-padded int64 [batch, seq] arrays of encoded inputs (at least one position, as the TF.js packers). */
export interface PackedIds {
  batch: number;
  seq: number;
  ids: BigInt64Array;
  mask: BigInt64Array;
  types?: BigInt64Array;
}

export function packIds(items: ReadonlyArray<{ ids: readonly number[]; typeIds?: readonly number[] }>, padId: number, withTypes: boolean): PackedIds {
  const B = items.length;
  let L = 1;
  for (const e of items) if (e.ids.length > L) L = e.ids.length;
  const ids = new BigInt64Array(B * L);
  if (padId !== 0) ids.fill(BigInt(padId));
  const mask = new BigInt64Array(B * L);
  const types = withTypes ? new BigInt64Array(B * L) : undefined;
  items.forEach((e, b) => {
    const row = b * L;
    for (let j = 0; j < e.ids.length; j++) {
      ids[row + j] = BigInt(e.ids[j]!);
      mask[row + j] = 1n;
      if (types && e.typeIds) types[row + j] = BigInt(e.typeIds[j] ?? 0);
    }
  });
  return { batch: B, seq: L, ids, mask, types };
}

/** Right-pads encoded inputs into int64 [batch, seq] feeds (at least one position, as the TF.js packers). */
export function packFeeds(
  items: ReadonlyArray<{ ids: readonly number[]; typeIds?: readonly number[] }>,
  padId: number,
  withTypes: boolean,
): Record<string, ort.Tensor> {
  const { batch: B, seq: L, ids, mask, types } = packIds(items, padId, withTypes);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, [B, L]),
    attention_mask: new ort.Tensor('int64', mask, [B, L]),
  };
  if (types) feeds.token_type_ids = new ort.Tensor('int64', types, [B, L]);
  return feeds;
}
