/**
 * Data-parallel ONNX Runtime: one single-threaded session per worker thread, each on its own
 * core. onnxruntime-node's session.run blocks the thread it is called on, so one session can
 * only use several cores through intra-op threads, which spin and synchronise on every op of
 * a small model; whole batches on separate threads share nothing but the weights' bytes.
 *
 * Jobs are plain typed arrays (transferred, not copied) and come back as the named output's
 * float data. Results resolve per job, so callers keep their own order. A job that fails
 * rejects alone; a worker that dies rejects its job and every later one (the pool is broken).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { cpuThreads } from '../../settings/cpuThreads';

export interface OnnxWorkerPoolOptions {
  /**
   * Worker threads, one session each (default: the machine's cores, at most 4, and no more
   * than keeps the workers' copies of the weights under WEIGHT_BUDGET_BYTES).
   */
  workers?: number;
  /** Intra-op threads of each worker's session (default 1). */
  intraOpNumThreads?: number;
}

/** One int64 input: values row-major in `dims`. */
export interface PoolFeed {
  data: BigInt64Array;
  dims: number[];
}

export class PoolAbortedError extends Error {
  constructor() {
    super('ONNX work cancelled');
    this.name = 'AbortError';
  }
}

/** Each worker holds its own copy of the weights: a BERT-base export is ~440 MB. */
export const WEIGHT_BUDGET_BYTES = 1_000_000_000;

/** The default worker count for a model of `modelBytes`. */
export function defaultWorkerCount(modelBytes: number): number {
  // The person's CPU thread setting, or the machine's cores.
  const cores = cpuThreads();
  return Math.max(1, Math.min(4, cores, Math.floor(WEIGHT_BUDGET_BYTES / Math.max(1, modelBytes))));
}

interface Job {
  id: number;
  feeds: Record<string, PoolFeed>;
  output: string;
  resolve: (data: Float32Array) => void;
  reject: (err: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  exited: boolean;
}

// Plain CommonJS run by each worker (eval), so no separate file has to survive bundling.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const opened = ort.InferenceSession.create(workerData.model, {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  interOpNumThreads: 1,
  intraOpNumThreads: workerData.intraOpNumThreads,
});
opened.then(() => parentPort.postMessage({ type: 'ready' }), (err) => parentPort.postMessage({ type: 'open-failed', message: String(err && err.message || err) }));
parentPort.on('message', async (msg) => {
  if (msg.type === 'close') {
    // Leave on our own: terminate() from outside during a native run aborts the whole process.
    try { await (await opened).release(); } catch {}
    parentPort.close();
    return;
  }
  try {
    const session = await opened;
    const feeds = {};
    for (const [name, f] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor('int64', f.data, f.dims);
    const out = await session.run(feeds);
    const t = out[msg.output];
    if (!t) throw new Error('the model has no output ' + msg.output);
    const data = new Float32Array(t.data);
    for (const v of Object.values(out)) v.dispose && v.dispose();
    parentPort.postMessage({ type: 'result', id: msg.id, data }, [data.buffer]);
  } catch (err) {
    parentPort.postMessage({ type: 'error', id: msg.id, message: String(err && err.message || err) });
  }
});
`;

export class OnnxWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private broken: Error | null = null;
  private closed = false;

  private constructor() {}

  /** Starts the workers and waits until every one has opened the model. */
  static async open(model: Uint8Array, options: OnnxWorkerPoolOptions = {}): Promise<OnnxWorkerPool> {
    const n = options.workers ?? defaultWorkerCount(model.byteLength);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`workers must be a positive integer, not ${n}`);
    const intra = options.intraOpNumThreads ?? 1;
    if (!Number.isInteger(intra) || intra < 1) throw new RangeError(`intraOpNumThreads must be a positive integer, not ${intra}`);
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const pool = new OnnxWorkerPool();
    const started = Array.from({ length: n }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath, model, intraOpNumThreads: intra } });
      const slot: Slot = { worker, job: null, exited: false };
      worker.once('exit', () => (slot.exited = true));
      pool.slots.push(slot);
      return new Promise<void>((resolve, reject) => {
        const onFirst = (msg: { type: string; message?: string }) => {
          if (msg.type === 'ready') resolve();
          else if (msg.type === 'open-failed') reject(new Error(`ONNX worker could not open the model: ${msg.message}`));
        };
        worker.once('message', onFirst);
        worker.once('error', reject);
      }).then(() => {
        pool.attach(slot);
        // An idle pool must not keep the process alive (a CLI that never calls dispose()
        // would hang at exit); a worker is ref'd only while it holds a job. After attach():
        // adding a 'message' listener refs the worker's port again.
        worker.unref();
      });
    });
    try {
      await Promise.all(started);
    } catch (err) {
      await pool.dispose();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs the model on `feeds` in some worker; resolves with `output`'s float data. */
  run(feeds: Record<string, PoolFeed>, output: string, signal?: AbortSignal): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('the ONNX worker pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    if (signal?.aborted) return Promise.reject(new PoolAbortedError());
    return new Promise<Float32Array>((resolve, reject) => {
      const job: Job = { id: this.nextId++, feeds, output, resolve, reject, signal };
      if (signal) {
        // Queued jobs are dropped at once; a job already in a worker finishes there, unread.
        job.onAbort = () => {
          const i = this.queue.indexOf(job);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new PoolAbortedError());
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /**
   * Stops every worker; queued jobs are rejected. Each worker finishes the run it is in and
   * leaves by itself (worker.terminate() during a native run would abort the process).
   */
  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('the ONNX worker pool was closed'));
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exited) return resolve();
            s.worker.once('exit', () => resolve());
            // An idle worker is unref'd: ref it again, or the process may leave before the
            // worker has released its session (exit code 13, or ORT aborting mid-release).
            s.worker.ref();
            s.worker.postMessage({ type: 'close' });
          }),
      ),
    );
  }

  private attach(slot: Slot): void {
    slot.worker.on('message', (msg: { type: string; id: number; data?: Float32Array; message?: string }) => {
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      slot.job = null;
      slot.worker.unref();
      this.settle(job, msg.type === 'result' ? msg.data! : new Error(`ONNX run failed: ${msg.message}`));
      this.pump();
    });
    slot.worker.on('error', (err) => this.breakPool(new Error(`an ONNX worker crashed: ${err.message}`)));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.breakPool(new Error(`an ONNX worker stopped (exit code ${code})`));
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || this.broken || this.closed) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.ref();
      const transfer = Object.values(job.feeds).map((f) => f.data.buffer as ArrayBuffer);
      slot.worker.postMessage({ type: 'run', id: job.id, feeds: job.feeds, output: job.output }, transfer);
    }
  }

  private settle(job: Job, result: Float32Array | Error): void {
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    if (job.signal?.aborted) return; // already rejected by the abort
    if (result instanceof Error) job.reject(result);
    else job.resolve(result);
  }

  private breakPool(err: Error): void {
    if (this.broken || this.closed) return;
    this.broken = err;
    this.failAll(err);
  }

  private failAll(err: Error): void {
    for (const slot of this.slots) {
      if (slot.job) this.settle(slot.job, err);
      slot.job = null;
    }
    for (const job of this.queue.splice(0)) this.settle(job, err);
  }
}
