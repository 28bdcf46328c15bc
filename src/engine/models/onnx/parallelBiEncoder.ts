/**
 * Bulk embedding on several cores: the main thread tokenizes and packs length-sorted batches
 * while an OnnxWorkerPool runs them, one single-threaded session per worker. Same graph,
 * same tokenization and same batches as OnnxBiEncoder, so the same vectors; results come
 * back in input order.
 */
import type { BiEncoder, EmbedResult, InferenceOptions } from '../encoder';
import { buildOnnxModel } from './buildModel';
import type { InferenceBiEncoder } from './onnxEncoders';
import { OnnxWorkerPool, type OnnxWorkerPoolOptions } from './onnxWorkerPool';
import { runPoolBatches } from './poolBatches';
import { type OnnxTextCodec, codecForModel, packIds } from './textCodec';
import { checkOnnxMatchesModel } from './verify';

export interface ParallelEmbedOptions extends InferenceOptions {
  /** Stops the work: queued batches are dropped and the call rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface ParallelFromModelOptions extends OnnxWorkerPoolOptions {
  /** Check the ONNX outputs against the TF.js model on a few probe inputs (default true). */
  verify?: boolean;
}

export class ParallelOnnxBiEncoder implements InferenceBiEncoder {
  readonly kind = 'bi-encoder' as const;

  constructor(
    readonly pool: OnnxWorkerPool,
    readonly codec: OnnxTextCodec,
    readonly dim: number,
  ) {}

  /** Exports a loaded TF.js bi-encoder in memory and opens it in a worker pool. */
  static async fromModel(model: BiEncoder, options: ParallelFromModelOptions = {}): Promise<ParallelOnnxBiEncoder> {
    return ParallelOnnxBiEncoder.open(buildOnnxModel(model).bytes, codecForModel(model), model.dim, options, (options.verify ?? true) ? model : undefined);
  }

  /** Opens ONNX bytes (inputs input_ids, attention_mask; output embeddings) with the given tokenization. */
  static async open(
    bytes: Uint8Array,
    codec: OnnxTextCodec,
    dim: number,
    options: OnnxWorkerPoolOptions = {},
    verifyAgainst?: BiEncoder,
  ): Promise<ParallelOnnxBiEncoder> {
    const pool = await OnnxWorkerPool.open(bytes, options);
    const enc = new ParallelOnnxBiEncoder(pool, codec, dim);
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

  async embedDetailed(texts: readonly string[], options: ParallelEmbedOptions = {}): Promise<EmbedResult> {
    const { signal } = options;
    const maxLength = this.codec.limit(options.maxLength);
    const encoded = texts.map((t) => this.codec.encode(String(t ?? ''), maxLength));
    const vectors = new Array<Float32Array>(texts.length);
    await runPoolBatches(encoded, { workers: this.pool.size, batchSize: options.batchSize, signal }, async (idx) => {
      const packed = packIds(
        idx.map((i) => encoded[i]!),
        this.codec.padId,
        false,
      );
      const dims = [packed.batch, packed.seq];
      const data = await this.pool.run({ input_ids: { data: packed.ids, dims }, attention_mask: { data: packed.mask, dims } }, 'embeddings', signal);
      if (data.length !== idx.length * this.dim) throw new Error(`ONNX embeddings have ${data.length} values for ${idx.length} x ${this.dim}`);
      idx.forEach((i, j) => {
        vectors[i] = data.slice(j * this.dim, (j + 1) * this.dim);
      });
    });
    return { vectors, truncated: encoded.map((e) => e.truncated) };
  }

  async embed(texts: readonly string[], options: ParallelEmbedOptions = {}): Promise<Float32Array[]> {
    return (await this.embedDetailed(texts, options)).vectors;
  }

  /** Stops the workers. */
  async dispose(): Promise<void> {
    await this.pool.dispose();
  }
}
