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
import { OnnxWorkerPool, type OnnxWorkerPoolOptions } from './onnxWorkerPool';
import { runPoolBatches } from './poolBatches';
import type { ParallelFromModelOptions } from './parallelBiEncoder';
import { type OnnxTextCodec, codecForModel, packIds } from './textCodec';
import { checkOnnxMatchesModel } from './verify';

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
    const encoded = pairs.map(([a, b]) => this.codec.encodePair(String(a ?? ''), String(b ?? ''), maxLength));
    const logits = new Float32Array(pairs.length);
    await runPoolBatches(encoded, { workers: this.pool.size, batchSize: options.batchSize, signal }, async (idx) => {
      const packed = packIds(
        idx.map((i) => encoded[i]!),
        this.codec.padId,
        true,
      );
      const dims = [packed.batch, packed.seq];
      const data = await this.pool.run(
        { input_ids: { data: packed.ids, dims }, attention_mask: { data: packed.mask, dims }, token_type_ids: { data: packed.types!, dims } },
        'logits',
        signal,
      );
      if (data.length !== idx.length) throw new Error(`ONNX logits have ${data.length} values for ${idx.length} pairs`);
      idx.forEach((i, j) => (logits[i] = data[j]!));
    });
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
