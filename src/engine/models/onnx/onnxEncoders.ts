/**
 * Inference on onnxruntime-node (CPU execution provider) for exported encoders: the embed /
 * score half of the BiEncoder / CrossEncoder interfaces. Inputs are sorted by token length
 * into batches (less padding); results come back in input order. Training stays on TF.js.
 */
import * as ort from 'onnxruntime-node';
import type { BiEncoder, CrossEncoder, EmbedResult, InferenceOptions, ScoreResult, TextPair } from '../encoder';
import { runBatched } from '../use-lite/biEncoder';
import { buildOnnxModel } from './buildModel';
import { checkOnnxMatchesModel } from './verify';
import { type OnnxTextCodec, codecForModel, packFeeds } from './textCodec';

/** The inference half of a BiEncoder. */
export type InferenceBiEncoder = Pick<BiEncoder, 'kind' | 'dim' | 'maxLength' | 'embed' | 'embedDetailed'>;
/** The inference half of a CrossEncoder. */
export type InferenceCrossEncoder = Pick<CrossEncoder, 'kind' | 'maxLength' | 'score' | 'scoreDetailed'>;

export interface OnnxSessionOptions {
  /** Threads one forward pass may use (ORT default: one per physical core). */
  intraOpNumThreads?: number;
  /**
   * Let idle intra-op threads spin waiting for work (ORT's default, true): lower latency,
   * but burns CPU between batches, which a desktop app shares with its UI.
   */
  allowSpinning?: boolean;
}

export interface FromModelOptions extends OnnxSessionOptions {
  /** Check the ONNX outputs against the TF.js model on a few probe inputs (default true). */
  verify?: boolean;
}

const DEFAULT_BATCH = 32;

/** Opens an ONNX model (file path or bytes) on the CPU execution provider. */
export async function createOnnxSession(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<ort.InferenceSession> {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
  };
  if (options.intraOpNumThreads !== undefined) {
    if (!Number.isInteger(options.intraOpNumThreads) || options.intraOpNumThreads < 1) {
      throw new RangeError(`intraOpNumThreads must be a positive integer, not ${options.intraOpNumThreads}`);
    }
    opts.intraOpNumThreads = options.intraOpNumThreads;
  }
  if (options.allowSpinning === false) opts.extra = { session: { intra_op: { allow_spinning: '0' } } };
  return typeof model === 'string' ? ort.InferenceSession.create(model, opts) : ort.InferenceSession.create(model, opts);
}

function checkInputs(session: ort.InferenceSession, expected: string[], output: string): void {
  const missing = expected.filter((n) => !session.inputNames.includes(n));
  if (missing.length || !session.outputNames.includes(output)) {
    throw new Error(`ONNX model has inputs [${session.inputNames}] and outputs [${session.outputNames}]; expected [${expected}] -> ${output}`);
  }
}

export class OnnxBiEncoder implements InferenceBiEncoder {
  readonly kind = 'bi-encoder' as const;

  constructor(
    readonly session: ort.InferenceSession,
    readonly codec: OnnxTextCodec,
    readonly dim: number,
  ) {
    checkInputs(session, ['input_ids', 'attention_mask'], 'embeddings');
  }

  /** Exports a loaded TF.js bi-encoder in memory and opens it (no file written). */
  static async fromModel(model: BiEncoder, options: FromModelOptions = {}): Promise<OnnxBiEncoder> {
    return (await openOnnxEncoder(model, buildOnnxModel(model).bytes, options)) as OnnxBiEncoder;
  }

  get maxLength(): number {
    return this.codec.maxLength;
  }

  async embedDetailed(texts: readonly string[], options: InferenceOptions = {}): Promise<EmbedResult> {
    const maxLength = this.codec.limit(options.maxLength);
    const encoded = texts.map((t) => this.codec.encode(String(t ?? ''), maxLength));
    const vectors = await runBatched(
      encoded,
      (e) => e.ids.length,
      options.batchSize ?? DEFAULT_BATCH,
      async (items) => {
        const feeds = packFeeds(items, this.codec.padId, false);
        const out = await this.session.run(feeds);
        const t = out.embeddings!;
        try {
          const data = t.data as Float32Array;
          if (data.length !== items.length * this.dim) throw new Error(`ONNX embeddings have ${data.length} values for ${items.length} x ${this.dim}`);
          return items.map((_, i) => data.slice(i * this.dim, (i + 1) * this.dim));
        } finally {
          t.dispose();
        }
      },
    );
    return { vectors, truncated: encoded.map((e) => e.truncated) };
  }

  async embed(texts: readonly string[], options: InferenceOptions = {}): Promise<Float32Array[]> {
    return (await this.embedDetailed(texts, options)).vectors;
  }

  /** Frees the native session. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}

export class OnnxCrossEncoder implements InferenceCrossEncoder {
  readonly kind = 'cross-encoder' as const;

  constructor(
    readonly session: ort.InferenceSession,
    readonly codec: OnnxTextCodec,
  ) {
    checkInputs(session, ['input_ids', 'attention_mask', 'token_type_ids'], 'logits');
  }

  /** Exports a loaded TF.js cross-encoder in memory and opens it (no file written). */
  static async fromModel(model: CrossEncoder, options: FromModelOptions = {}): Promise<OnnxCrossEncoder> {
    return (await openOnnxEncoder(model, buildOnnxModel(model).bytes, options)) as OnnxCrossEncoder;
  }

  get maxLength(): number {
    return this.codec.maxLength;
  }

  /** One logit per pair, in input order (sigmoid gives the score). */
  async logitsDetailed(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<{ logits: Float32Array; truncated: boolean[] }> {
    const maxLength = this.codec.limit(options.maxLength);
    const encoded = pairs.map(([a, b]) => this.codec.encodePair(String(a ?? ''), String(b ?? ''), maxLength));
    const logits = await runBatched(
      encoded,
      (e) => e.ids.length,
      options.batchSize ?? DEFAULT_BATCH,
      async (items) => {
        const out = await this.session.run(packFeeds(items, this.codec.padId, true));
        const t = out.logits!;
        try {
          const data = t.data as Float32Array;
          if (data.length !== items.length) throw new Error(`ONNX logits have ${data.length} values for ${items.length} pairs`);
          return Array.from(data);
        } finally {
          t.dispose();
        }
      },
    );
    return { logits: Float32Array.from(logits), truncated: encoded.map((e) => e.truncated) };
  }

  async scoreDetailed(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<ScoreResult> {
    const { logits, truncated } = await this.logitsDetailed(pairs, options);
    return { scores: logits.map((x) => 1 / (1 + Math.exp(-x))), truncated };
  }

  async score(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<Float32Array> {
    return (await this.scoreDetailed(pairs, options)).scores;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Opens ONNX bytes exported from `model` as the matching ONNX encoder (same tokenization),
 * checked against the TF.js model on probe inputs unless `verify` is false.
 */
export async function openOnnxEncoder(
  model: BiEncoder | CrossEncoder,
  bytes: Uint8Array,
  options: FromModelOptions = {},
): Promise<OnnxBiEncoder | OnnxCrossEncoder> {
  const session = await createOnnxSession(bytes, options);
  try {
    const codec = codecForModel(model);
    const onnx = model.kind === 'bi-encoder' ? new OnnxBiEncoder(session, codec, model.dim) : new OnnxCrossEncoder(session, codec);
    if (options.verify ?? true) await checkOnnxMatchesModel(model, onnx);
    return onnx;
  } catch (err) {
    await session.release();
    throw err;
  }
}
