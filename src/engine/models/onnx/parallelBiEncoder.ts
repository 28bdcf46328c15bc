/**
 * Bulk embedding on several cores: the main thread tokenizes and packs length-sorted batches
 * while an OnnxWorkerPool runs them, one single-threaded session per worker. Same graph,
 * same tokenization and same batches as OnnxBiEncoder, so the same vectors; results come
 * back in input order.
 */
import type { BiEncoder, EmbedResult, InferenceOptions } from '../encoder';
import { buildOnnxModel } from './buildModel';
import type { InferenceBiEncoder } from './onnxEncoders';
import { OnnxWorkerPool, type OnnxWorkerPoolOptions, PoolAbortedError } from './onnxWorkerPool';
import { type OnnxTextCodec, codecForModel, packIds } from './textCodec';
import { checkOnnxMatchesModel } from './verify';

const DEFAULT_BATCH = 32;
/** Smallest batch a call is split into to keep every worker busy (per-run overhead grows below). */
const MIN_SPLIT_BATCH = 8;

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
    // A call with fewer batches than workers (dedup embeds 32 texts per call) is split so
    // that every worker gets a share; batch 16 costs the same CPU per sentence as 32 here.
    const requested = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH));
    const size = Math.min(requested, Math.max(MIN_SPLIT_BATCH, Math.ceil(texts.length / this.pool.size)));
    const encoded = texts.map((t) => this.codec.encode(String(t ?? ''), maxLength));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length);
    const vectors = new Array<Float32Array>(texts.length);
    // Two batches per worker in flight: the next one is packed and posted while one runs,
    // and memory stays bounded for any number of texts.
    const window = this.pool.size * 2;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    for (let start = 0; start < order.length && failure === null; start += size) {
      if (signal?.aborted) throw new PoolAbortedError();
      const idx = order.slice(start, start + size);
      const packed = packIds(
        idx.map((i) => encoded[i]!),
        this.codec.padId,
        false,
      );
      const dims = [packed.batch, packed.seq];
      const job = this.pool
        .run({ input_ids: { data: packed.ids, dims }, attention_mask: { data: packed.mask, dims } }, 'embeddings', signal)
        .then((data) => {
          if (data.length !== idx.length * this.dim) throw new Error(`ONNX embeddings have ${data.length} values for ${idx.length} x ${this.dim}`);
          idx.forEach((i, j) => {
            vectors[i] = data.slice(j * this.dim, (j + 1) * this.dim);
          });
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
