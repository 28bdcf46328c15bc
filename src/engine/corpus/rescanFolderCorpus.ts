import type { JobContext } from '../jobs/jobRunner';
import type { Store } from '../store';
import type { DocumentInput } from '../store/types';
import type { CorpusIndexResult } from '../../shared/api';
import { isRetryableSkipReason } from '../text/readDocument';
import { skippedEntryDocument, walkFolder, type WalkedFile } from './ingestFile';
import { ingestIntoCorpus } from './ingestIntoCorpus';

/** What a rescan found: the corpus's counts after it, and what changed. */
export interface RescanResult extends CorpusIndexResult {
  /** Files read again (new or changed size / modification time). */
  read: number;
  unchanged: number;
  /** Documents whose file is gone from the folder (removed from the corpus, never from disk). */
  removed: number;
}

/**
 * Reads a folder corpus's folder again: new and changed files (size or modification time) are
 * read with the same rules as indexing (ingestFile), unchanged ones (and files skipped for a reason
 * that a second try cannot change) are kept as they are, and
 * documents whose file is gone are dropped from the corpus. The user's files are only read.
 */
export async function rescanFolderCorpus({ store, corpusId, root }: { store: Store; corpusId: number; root: string }, ctx: JobContext): Promise<RescanResult> {
  ctx.progress({ stage: 'listing files', done: 0, total: null });
  const known = new Map((await store.documents.listByCorpus(corpusId)).map((d) => [d.relPath, d]));
  const toRead: WalkedFile[] = [];
  const skipped: DocumentInput[] = [];
  const present: string[] = [];
  let unchanged = 0;
  for await (const entry of walkFolder(root, ctx.signal)) {
    if ('file' in entry) {
      present.push(entry.file.relPath);
      const old = known.get(entry.file.relPath);
      if (old && old.size === entry.file.size && old.mtimeMs === entry.file.mtimeMs && !(old.status === 'skipped' && isRetryableSkipReason(old.skipReason)))
        unchanged++;
      else toRead.push(entry.file);
    } else {
      present.push(entry.skipped.relPath);
      skipped.push(skippedEntryDocument(entry.skipped));
    }
  }
  ctx.throwIfCancelled();
  await store.documents.upsertMany(corpusId, skipped);
  const removed = await store.documents.removeMissing(corpusId, present);

  await ingestIntoCorpus(store, corpusId, toRead, ctx);
  const [documents, skippedNow, passages] = await Promise.all([
    store.documents.count(corpusId, 'ok'),
    store.documents.count(corpusId, 'skipped'),
    store.passages.countForCorpus(corpusId),
  ]);
  return { corpusId, documents, skipped: skippedNow, passages, read: toRead.length, unchanged, removed };
}
