import type { JobContext } from '../jobs/jobRunner';
import type { Store } from '../store';
import type { DocumentInput } from '../store/types';
import type { CorpusIndexResult } from '../../shared/api';
import { skippedEntryDocument, walkFolder, type WalkedFile } from './ingestFile';
import { ingestIntoCorpus } from './ingestIntoCorpus';

export type IndexFolderResult = CorpusIndexResult;

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

  const result: IndexFolderResult = { corpusId: corpus.id, documents: 0, skipped: skipped.length, passages: 0 };
  await ingestIntoCorpus(store, corpus.id, files, ctx, (docs, passages) => {
    result.passages += passages;
    for (const d of docs) d.status === 'ok' ? result.documents++ : result.skipped++;
    return `${result.documents} documents, ${result.skipped} skipped`;
  });
  return result;
}
