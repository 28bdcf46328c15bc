import type { JobContext } from '../jobs/jobRunner';
import type { Store } from '../store';
import type { DocumentInput, PassageInput } from '../store/types';
import { ingestFile, type WalkedFile } from './ingestFile';

/** Documents are written in batches so a crash loses at most one batch of work. */
const BATCH = 50;

/**
 * Reads files (ingestFile's rules) and stores their documents and passages in a corpus, one
 * transaction per batch; progress counts files read. A document that is now skipped loses the
 * passages of its old text (a rescan). `afterBatch` gets the batch's documents and the passages
 * stored, and may return the progress message.
 */
export async function ingestIntoCorpus(
  store: Store,
  corpusId: number,
  files: WalkedFile[],
  ctx: JobContext,
  afterBatch?: (docs: DocumentInput[], passages: number) => string | undefined,
): Promise<void> {
  ctx.progress({ stage: 'reading documents', done: 0, total: files.length });
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH);
    const docs: DocumentInput[] = [];
    const passagesByPath = new Map<string, PassageInput[]>();
    for (const file of batch) {
      const ingested = await ingestFile(file, { signal: ctx.signal });
      docs.push(ingested.doc);
      if (ingested.status === 'ok') passagesByPath.set(file.relPath, ingested.passages);
    }
    let stored = 0;
    await store.db.transaction(async () => {
      for (const doc of await store.documents.upsertMany(corpusId, docs)) {
        stored += await store.passages.replaceForDocument(doc.id, passagesByPath.get(doc.relPath) ?? []);
      }
    });
    const message = afterBatch?.(docs, stored);
    ctx.progress({ done: Math.min(files.length, start + batch.length), ...(message ? { message } : {}) });
  }
}
