import type { JobContext } from '../jobs/jobRunner';
import type { Store } from '../store';
import type { DocumentInput, PassageInput } from '../store/types';
import type { CorpusIndexResult } from '../../shared/api';
import { ingestFile, skippedEntryDocument, walkFolder, type WalkedFile } from './ingestFile';

export type IndexFolderResult = CorpusIndexResult;

/** Documents are written in batches so a crash loses at most one batch of work. */
const BATCH = 50;

/**
 * Makes a corpus from a folder: lists its files, reads each into text (any supported format
 * and encoding; the rules of ingestFile.ts, shared with dedup scanning), splits it into passages and stores documents and passages. Files that cannot
 * be used are stored as skipped with the reason, so the user sees why.
 */
export async function indexFolderCorpus({ store, name, root }: { store: Store; name: string; root: string }, ctx: JobContext): Promise<IndexFolderResult> {
  const corpus = await store.corpora.create({ name, rootPath: root, kind: 'folder' });
  ctx.progress({ stage: 'listing files', done: 0, total: null });
  const files: WalkedFile[] = [];
  const skipped: DocumentInput[] = [];
  for await (const entry of walkFolder(root, ctx.signal)) {
    if ('file' in entry) files.push(entry.file);
    else skipped.push(skippedEntryDocument(entry.skipped));
    if ((files.length + skipped.length) % 500 === 0) ctx.progress({ done: files.length + skipped.length });
  }
  ctx.throwIfCancelled();
  await store.documents.upsertMany(corpus.id, skipped);

  ctx.progress({ stage: 'reading documents', done: 0, total: files.length });
  const result: IndexFolderResult = { corpusId: corpus.id, documents: 0, skipped: skipped.length, passages: 0 };
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH);
    const docs: DocumentInput[] = [];
    const passagesByPath = new Map<string, PassageInput[]>();
    for (const file of batch) {
      const ingested = await ingestFile(file, { signal: ctx.signal });
      docs.push(ingested.doc);
      if (ingested.status === 'ok') passagesByPath.set(file.relPath, ingested.passages);
    }
    await store.db.transaction(async () => {
      for (const doc of await store.documents.upsertMany(corpus.id, docs)) {
        const passages = passagesByPath.get(doc.relPath);
        if (passages) result.passages += await store.passages.replaceForDocument(doc.id, passages);
      }
    });
    for (const d of docs) d.status === 'ok' ? result.documents++ : result.skipped++;
    ctx.progress({ done: Math.min(files.length, start + batch.length), message: `${result.documents} documents, ${result.skipped} skipped` });
  }
  return result;
}
