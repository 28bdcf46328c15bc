import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineEvent, MethodInput, MethodName, MethodOutput } from '../../shared/api';
import { JobRunner } from '../jobs/jobRunner';
import { createStore, LATEST_SCHEMA_VERSION, openDatabase, resolveDataDir, type DataDirLayout, type Db, type Store } from '../store';
import { dispatch, type Handlers } from './dispatch';
import { ApiError } from './errors';
import { PathPolicy } from './pathPolicy';
import { indexFolderCorpus } from '../corpus/indexFolderCorpus';
import { APP_NAME, APP_VERSION } from '../version';

export interface EngineOptions {
  dataDir: string;
  transport: 'electron' | 'http' | 'direct';
  /** Folders the user chose before start (CLI flags); more can be granted later by trusted code. */
  allowedRoots?: string[];
}

/**
 * The engine behind every user interface: one instance per data folder, shared by the Electron
 * main process, the local server, the CLI and the tests. Its only entry point for untrusted
 * callers is `call`, which validates the input against the API contract.
 */
export class Engine {
  readonly events = new EventEmitter();
  readonly jobs: JobRunner;
  readonly policy = new PathPolicy();
  private readonly handlers: Handlers;

  private constructor(
    readonly options: EngineOptions,
    readonly layout: DataDirLayout,
    readonly db: Db,
    readonly store: Store,
  ) {
    this.jobs = new JobRunner({ save: (job) => store.jobs.save(job) });
    this.jobs.on('job', (job) => this.emitEvent({ type: 'job', job }));
    for (const root of options.allowedRoots ?? []) this.policy.grant(root);
    this.handlers = this.createHandlers();
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const layout = resolveDataDir(options.dataDir);
    const db = await openDatabase(layout.databaseFile);
    const store = createStore(db);
    // Jobs that were running when the process died cannot still be running: say so.
    await store.jobs.failInterrupted();
    return new Engine(options, layout, db, store);
  }

  /** The validated entry point for every transport. Throws ApiError for the caller to report. */
  call(method: unknown, input: unknown): Promise<unknown> {
    return dispatch(this.handlers, method, input);
  }

  /** Typed convenience for trusted in-process callers (CLI, tests). */
  async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    return (await this.call(method, input)) as MethodOutput<M>;
  }

  /** Trusted code only (a native dialog, CLI flags): lets the user interface name paths inside `root`. */
  grantRoot(root: string): string {
    return this.policy.grant(root);
  }

  async close(): Promise<void> {
    await this.jobs.shutdown();
    await this.db.close();
  }

  private emitEvent(event: EngineEvent): void {
    this.events.emit('event', event);
  }

  private createHandlers(): Handlers {
    const { store, jobs, policy } = this;
    return {
      'app.info': () => ({
        name: APP_NAME,
        version: APP_VERSION,
        dataDir: this.layout.root,
        schemaVersion: LATEST_SCHEMA_VERSION,
        transport: this.options.transport,
        allowedRoots: policy.list(),
        node: process.version,
        platform: `${os.platform()}-${os.arch()}`,
      }),
      'app.echo': ({ text }) => ({ text, receivedAt: new Date().toISOString() }),
      'corpora.list': () => store.corpora.list(),
      'corpora.create': async ({ name, path: p }) => {
        const root = policy.resolveAllowed(p);
        if (!fs.statSync(root).isDirectory()) throw new ApiError('bad_request', `Not a folder: ${p}`);
        if (await store.corpora.getByName(name)) throw new ApiError('conflict', `A corpus named "${name}" already exists; choose another name.`);
        const job = jobs.start('corpus.index', (ctx) => indexFolderCorpus({ store, name, root }, ctx));
        return { jobId: job.id };
      },
      'corpora.documents': async ({ corpusId, limit, offset }) => {
        if (!(await store.corpora.get(corpusId))) throw new ApiError('not_found', `No corpus with id ${corpusId}.`);
        const docs = await store.documents.listByCorpus(corpusId, { limit: limit ?? 500, offset: offset ?? 0 });
        return docs.map((d) => ({ id: d.id, relPath: d.relPath, size: d.size, status: d.status, skipReason: d.skipReason, contentHash: d.contentHash }));
      },
      'jobs.get': ({ jobId }) => {
        const job = jobs.get(jobId);
        if (!job) throw new ApiError('not_found', `No job with id ${jobId}.`);
        return job;
      },
      'jobs.list': () => jobs.list(),
      'jobs.cancel': ({ jobId }) => {
        const job = jobs.cancel(jobId);
        if (!job) throw new ApiError('not_found', `No job with id ${jobId}.`);
        return job;
      },
    };
  }
}

export function defaultDataDir(): string {
  return process.env.TENC_DATA_DIR || path.join(os.homedir(), '.transencoder-studio');
}
