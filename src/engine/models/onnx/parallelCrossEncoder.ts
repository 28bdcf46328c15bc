/**
 * Bulk cross-encoder scoring on several cores (issue 14): what `tenc check --pairs` with a
 * trained cross-encoder, evaluation and dedup's re-scoring use (ModelCache.bulkCross). The
 * main thread tokenizes and packs length-sorted batches while an OnnxWorkerPool runs them,
 * one single-threaded session per worker. Same graph, tokenization and batches as
 * OnnxCrossEncoder (the single session), so the same logits; results come back in input order.
 */
import type { CrossEncoder, InferenceOptions, ScoreResult, TextPair } from '../encoder';
import { buildOnnxModel } from './buildModel';
import type { InferenceCrossEncoder } from './onnxEncoders';
import { OnnxWorkerPool, type OnnxWorkerPoolOptions, PoolAbortedError } from './onnxWorkerPool';
import type { ParallelFromModelOptions } from './parallelBiEncoder';
import { type OnnxTextCodec, codecForModel, packIds } from './textCodec';
import { checkOnnxMatchesModel } from './verify';

const DEFAULT_BATCH = 32;
/** Smallest batch a call is split into to keep every worker busy (per-run overhead grows below). */
const MIN_SPLIT_BATCH = 8;

export interface ParallelScoreOptions extends InferenceOptions {
  /** Stops the work: queued batches are dropped and the call rejects with an AbortError. */
  signal?: AbortSignal;
}

export class ParallelOnnxCrossEncoder implements InferenceCrossEncoder {
  readonly kind = 'cross-encoder' as const;

  constructor(
    readonly pool: OnnxWorkerPool,
    readonly codec: OnnxTextCodec,
  ) {}

  /** Exports a loaded TF.js cross-encoder in memory and opens it in a worker pool. */
  static async fromModel(model: CrossEncoder, options: ParallelFromModelOptions = {}): Promise<ParallelOnnxCrossEncoder> {
    return ParallelOnnxCrossEncoder.open(buildOnnxModel(model).bytes, codecForModel(model), options, (options.verify ?? true) ? model : undefined);
  }

  /** Opens ONNX bytes (inputs input_ids, attention_mask, token_type_ids; output logits) with the given tokenization. */
  static async open(
    bytes: Uint8Array,
    codec: OnnxTextCodec,
    options: OnnxWorkerPoolOptions = {},
    verifyAgainst?: CrossEncoder,
  ): Promise<ParallelOnnxCrossEncoder> {
    const pool = await OnnxWorkerPool.open(bytes, options);
    const enc = new ParallelOnnxCrossEncoder(pool, codec);
    try {
      if (verifyAgainst) await checkOnnxMatchesModel(verifyAgainst, enc);
      return enc;
    } catch (err) {
      await pool.dispose();
      throw err;
    }
  }

  get maxLength(): number {
    return this.codec.maxLength;
  }

  /** One logit per pair, in input order (sigmoid gives the score). */
  async logitsDetailed(pairs: readonly TextPair[], options: ParallelScoreOptions = {}): Promise<{ logits: Float32Array; truncated: boolean[] }> {
    const { signal } = options;
    const maxLength = this.codec.limit(options.maxLength);
    const requested = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH));
    // A call with fewer batches than workers is split so that every worker gets a share.
    const size = Math.min(requested, Math.max(MIN_SPLIT_BATCH, Math.ceil(pairs.length / this.pool.size)));
    const encoded = pairs.map(([a, b]) => this.codec.encodePair(String(a ?? ''), String(b ?? ''), maxLength));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length);
    const logits = new Float32Array(pairs.length);
    // Two batches per worker in flight: the next one is packed while one runs; memory stays bounded.
    const window = this.pool.size * 2;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    for (let start = 0; start < order.length && failure === null; start += size) {
      if (signal?.aborted) throw new PoolAbortedError();
      const idx = order.slice(start, start + size);
      const packed = packIds(
        idx.map((i) => encoded[i]!),
        this.codec.padId,
        true,
      );
      const dims = [packed.batch, packed.seq];
      const job = this.pool
        .run(
          { input_ids: { data: packed.ids, dims }, attention_mask: { data: packed.mask, dims }, token_type_ids: { data: packed.types!, dims } },
          'logits',
          signal,
        )
        .then((data) => {
          if (data.length !== idx.length) throw new Error(`ONNX logits have ${data.length} values for ${idx.length} pairs`);
          idx.forEach((i, j) => (logits[i] = data[j]!));
        })
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== null) throw failure;
    if (signal?.aborted) throw new PoolAbortedError();
    return { logits, truncated: encoded.map((e) => e.truncated) };
  }

  async scoreDetailed(pairs: readonly TextPair[], options: ParallelScoreOptions = {}): Promise<ScoreResult> {
    const { logits, truncated } = await this.logitsDetailed(pairs, options);
    return { scores: logits.map((x) => 1 / (1 + Math.exp(-x))), truncated };
  }

  async score(pairs: readonly TextPair[], options: ParallelScoreOptions = {}): Promise<Float32Array> {
    return (await this.scoreDetailed(pairs, options)).scores;
  }

  /** Stops the workers. */
  async dispose(): Promise<void> {
    await this.pool.dispose();
  }
}
