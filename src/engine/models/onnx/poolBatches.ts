/**
 * The batching loop shared by the pool's bi- and cross-encoders: inputs sorted by length, split
 * so that every worker gets a share, two batches per worker in flight (the next one is packed
 * and posted while one runs, so memory stays bounded for any number of inputs), the first
 * failure reported once every batch has settled.
 */
import { PoolAbortedError } from './onnxWorkerPool';

const DEFAULT_BATCH = 32;
/** Smallest batch a call is split into to keep every worker busy (per-run overhead grows below). */
const MIN_SPLIT_BATCH = 8;

export async function runPoolBatches(
  encoded: readonly { ids: ArrayLike<number> }[],
  opts: { workers: number; batchSize?: number; signal?: AbortSignal },
  runBatch: (idx: number[]) => Promise<void>,
): Promise<void> {
  const { signal } = opts;
  // A call with fewer batches than workers (dedup embeds 32 texts per call) is split so that
  // every worker gets a share; batch 16 costs the same CPU per sentence as 32 here.
  const requested = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH));
  const size = Math.min(requested, Math.max(MIN_SPLIT_BATCH, Math.ceil(encoded.length / opts.workers)));
  const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length);
  const window = opts.workers * 2;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  for (let start = 0; start < order.length && failure === null; start += size) {
    if (signal?.aborted) throw new PoolAbortedError();
    const job = runBatch(order.slice(start, start + size))
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
}
