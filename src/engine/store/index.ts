/**
 * The storage layer: one SQLite database per data folder, reached through small typed
 * repositories. Typical use:
 *
 *   const layout = resolveDataDir(dir);
 *   const db = await openDatabase(layout.databaseFile);   // WAL, foreign keys, migrations
 *   const store = createStore(db);
 *   const corpus = await store.corpora.create({ name, rootPath, kind: 'folder' });
 *
 * Group several repository calls atomically with `db.transaction(async () => { ... })`:
 * repository calls inside it join that transaction.
 */
import type { Db } from './db';
import { corporaRepository } from './repositories/corpora';
import { documentsRepository, passagesRepository } from './repositories/documents';
import { labelledPairsRepository, sentencePairsRepository } from './repositories/pairs';
import { modelsRepository } from './repositories/models';
import { evaluationsRepository, metricsRepository, runsRepository } from './repositories/runs';
import { fileActionsRepository, scansRepository } from './repositories/scans';
import { jobsRepository } from './repositories/jobs';
import { quarantineRepository } from './repositories/quarantine';
import { embeddingCacheRepository, minhashCacheRepository, semanticPairsCacheRepository } from './repositories/caches';
import type { RepoContext } from './repositories/common';
import { dedupReviewRepository } from './repositories/dedupReview';

export interface StoreOptions {
  /** Clock in unix ms for every timestamp the repositories write (default Date.now). */
  now?: () => number;
}

/** All repositories over one connection. */
export function createStore(db: Db, opts: StoreOptions = {}) {
  const ctx: RepoContext = { db, now: opts.now ?? Date.now };
  return {
    db,
    corpora: corporaRepository(ctx),
    documents: documentsRepository(ctx),
    passages: passagesRepository(ctx),
    sentencePairs: sentencePairsRepository(ctx),
    labelledPairs: labelledPairsRepository(ctx),
    models: modelsRepository(ctx),
    runs: runsRepository(ctx),
    metrics: metricsRepository(ctx),
    evaluations: evaluationsRepository(ctx),
    scans: scansRepository(ctx),
    fileActions: fileActionsRepository(ctx),
    quarantine: quarantineRepository(ctx),
    jobs: jobsRepository(ctx),
    embeddingCache: embeddingCacheRepository(ctx),
    minhashCache: minhashCacheRepository(ctx),
    semanticPairsCache: semanticPairsCacheRepository(ctx),
    // Duplicates review (issue 13): reference folders and the not-a-duplicate list.
    dedupReview: dedupReviewRepository(ctx),
  };
}

export type Store = ReturnType<typeof createStore>;

export {
  openDatabase,
  openReadOnly,
  readUserVersion,
  sqliteErrorCode,
  DatabaseTooNewError,
  DatabaseTooOldError,
  type Db,
  type OpenOptions,
  type ReadOnlyOptions,
  type RunResult,
  type Row,
  type SqlParams,
  type Statement,
  type TransactionMode,
} from './db';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, rebuildTable, type Migration, type MigrateOptions, type MigrateResult } from './migrations';
export { APPLICATION_ID, DatabaseNotRecognisedError, type UnrecognisedReason } from './fileIdentity';
export { dataDirLayout, resolveDataDir, type DataDirLayout } from './dataDir';
export type { JobPatch } from './repositories/jobs';
export type { QuarantineBatchSummary, QuarantineMove, MoveState } from './repositories/quarantine';
export type { DismissalRow, PairSide, ReferenceFolderRow } from './repositories/dedupReview';
export * from './types';
