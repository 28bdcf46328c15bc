import type { JobContext } from '../jobs/jobRunner';
import type { Store } from '../store';
import type { DocumentInput, PassageInput } from '../store/types';
import { contentHash, readDocument, splitPassages, walkFolder, type WalkedFile } from '../text';

export interface IndexFolderResult {
  corpusId: number;
  documents: number;
  skipped: number;
  passages: number;
}

/** Documents are written in batches so a crash loses at most one batch of work. */
const BATCH = 50;

/**
 * Makes a corpus from a folder: lists its files, reads each into text (any supported format
 * and encoding), splits it into passages and stores documents and passages. Files that cannot
 * be used are stored as skipped with the reason, so the user sees why.
 */
export async function indexFolderCorpus(
  { store, name, root }: { store: Store; name: string; root: string },
  ctx: JobContext,
): Promise<IndexFolderResult> {
  const corpus = await store.corpora.create({ name, rootPath: root, kind: 'folder' });
  ctx.progress({ stage: 'listing files', done: 0, total: null });
  const files: WalkedFile[] = [];
  const skipped: DocumentInput[] = [];
  for await (const entry of walkFolder(root, ctx.signal)) {
    if ('file' in entry) files.push(entry.file);
    else skipped.push({ relPath: entry.skipped.relPath, size: 0, mtimeMs: 0, status: 'skipped', skipReason: entry.skipped.reason });
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
      const read = await readDocument(file.absPath, { signal: ctx.signal });
      if (!read.ok) {
        docs.push({ relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs, status: 'skipped', skipReason: read.reason, format: read.format ?? null });
        continue;
      }
      const passages = splitPassages(read.text).map((p, index) => ({
        index,
        text: p.text,
        charStart: p.start,
        charEnd: p.end,
        contentHash: contentHash(p.text),
      }));
      if (passages.length === 0) {
        docs.push({ relPath: file.relPath, size: read.bytes, mtimeMs: read.mtimeMs, status: 'skipped', skipReason: 'no text in the file', format: read.format });
        continue;
      }
      docs.push({
        relPath: file.relPath,
        size: read.bytes,
        mtimeMs: read.mtimeMs,
        status: 'ok',
        contentHash: contentHash(read.text),
        encoding: read.encoding,
        format: read.format,
      });
      passagesByPath.set(file.relPath, passages);
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
