/**
 * Stage 1: list the files of each root and read those that changed since they were last read,
 * storing documents and passages in small batches (so a cancelled or killed scan keeps what
 * it read). Unchanged files (same size and mtime) are taken from the store.
 */
import type { DocumentInput, PassageInput, StoredDocument } from '../../store/types';
import { isRetryableSkipReason } from '../../text/readDocument';
import { ingestFile, skippedEntryDocument } from '../../corpus/ingestFile';
import { walkFolder, type WalkedFile } from '../../text/walkFolder';
import type { ScanContext, ScanDoc } from './context';

const WRITE_BATCH = 25;
/** Files read at once; equal to WRITE_BATCH, so each group read is stored before the next is read. */
const READ_AHEAD = WRITE_BATCH;

export interface ListedRoot {
  corpusId: number;
  files: WalkedFile[];
  known: Map<string, StoredDocument>;
}

interface ReadItem {
  file: WalkedFile;
  doc: DocumentInput;
  passages: PassageInput[] | null;
  signature: Uint32Array | null;
  /** MinHash signatures of the file's passages long enough for passage matching. */
  passageSigs?: { contentHash: string; signature: Uint32Array }[];
}

export async function listFiles(ctx: ScanContext): Promise<ListedRoot[]> {
  const out: ListedRoot[] = [];
  let n = 0;
  ctx.progress('listing', 0, null);
  for (const root of ctx.roots) {
    const corpusId = await corpusFor(ctx, root);
    const files: WalkedFile[] = [];
    const skipped: DocumentInput[] = [];
    for await (const entry of walkFolder(root, ctx.opts.signal)) {
      if ('file' in entry) files.push(entry.file);
      else skipped.push(skippedEntryDocument(entry.skipped));
      if (++n % 500 === 0) ctx.progress('listing', n, null);
    }
    ctx.check();
    if (skipped.length) await ctx.store.documents.upsertMany(corpusId, skipped);
    ctx.stats.skipped += skipped.length;
    const known = new Map<string, StoredDocument>();
    for (let offset = 0; ; offset += 5000) {
      const page = await ctx.store.documents.listByCorpus(corpusId, { limit: 5000, offset });
      for (const d of page) known.set(d.relPath, d);
      if (page.length < 5000) break;
    }
    out.push({ corpusId, files, known });
  }
  ctx.stats.files = out.reduce((s, r) => s + r.files.length, 0);
  ctx.progress('listing', n, n);
  return out;
}

/**
 * The folder corpus of this root: an existing one with the same path, else a new one. Two
 * scans may start on the same new folder at once (two windows, the CLI and the app): the
 * one whose insert loses the race on the unique name takes the corpus the other created.
 */
export async function corpusFor(ctx: ScanContext, root: string): Promise<number> {
  const base = `dedup: ${root}`;
  for (let attempt = 0; attempt < 20; attempt++) {
    const existing = (await ctx.store.corpora.list()).find((c) => c.kind === 'folder' && c.rootPath === root);
    if (existing) return existing.id;
    for (let i = 1; ; i++) {
      const name = i === 1 ? base : `${base} (${i})`;
      const other = await ctx.store.corpora.getByName(name);
      if (other?.kind === 'folder' && other.rootPath === root) return other.id; // created meanwhile
      if (other) continue;
      try {
        return (await ctx.store.corpora.create({ name, rootPath: root, kind: 'folder' })).id;
      } catch (err) {
        if (!/UNIQUE/i.test(err instanceof Error ? err.message : String(err))) throw err;
        break; // Someone else just created it: look again.
      }
    }
  }
  throw new Error(`could not create the folder corpus for ${root}`);
}

export async function readFiles(ctx: ScanContext, listed: ListedRoot[]): Promise<void> {
  const total = ctx.stats.files;
  let done = 0;
  ctx.progress('reading', 0, total);
  for (const { corpusId, files, known } of listed) {
    let batch: ReadItem[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const current = batch;
      batch = [];
      await writeBatch(ctx, corpusId, current);
    };
    // Files to read are read READ_AHEAD at a time (in listing order), each group stored before
    // the next is read: one file's reading is a chain of waits (stat, open, read, close, stat),
    // which a folder of small files spends most of its time on.
    let pending: WalkedFile[] = [];
    const readPending = async () => {
      if (pending.length === 0) return;
      const part = pending;
      pending = [];
      const items = await Promise.all(part.map((f) => readOne(ctx, f)));
      for (const item of items) {
        batch.push(item);
        if (batch.length >= WRITE_BATCH) await flush();
      }
      done += part.length;
      ctx.progress('reading', done, total);
    };
    try {
      for (const file of files) {
        ctx.check();
        const prev = known.get(file.relPath);
        // A skip for a passing reason (permission denied, deleted mid-scan) is tried again.
        if (prev && prev.size === file.size && prev.mtimeMs === file.mtimeMs && !(prev.status === 'skipped' && isRetryableSkipReason(prev.skipReason))) {
          // Unchanged since it was last read: use what the store knows.
          ctx.stats.unchanged++;
          if (prev.status === 'ok' && prev.contentHash) {
            ctx.docs.push({ id: prev.id, absPath: file.absPath, size: file.size, mtimeMs: file.mtimeMs, hash: prev.contentHash, dev: file.dev, ino: file.ino });
          } else ctx.stats.skipped++;
          if (++done % 10 === 0 || done === total) ctx.progress('reading', done, total);
        } else {
          pending.push(file);
          if (pending.length >= READ_AHEAD) await readPending();
        }
      }
      await readPending();
    } finally {
      // Also on cancellation: what was read is kept, so a resumed scan does not read it again.
      await flush();
    }
  }
}

/** One file read by the rules corpus indexing uses too (corpus/ingestFile.ts), plus its MinHash signature. */
async function readOne(ctx: ScanContext, file: WalkedFile): Promise<ReadItem> {
  ctx.stats.read++;
  const r = await ingestFile(file, { signal: ctx.opts.signal, readDocument: ctx.read });
  if (r.status === 'skipped') return { file, doc: r.doc, passages: null, signature: null };
  ctx.stats.signaturesComputed++;
  // Passage signatures too, while the text is in hand (the passage stage finds them cached
  // instead of reading every passage back from the store).
  const passageSigs: { contentHash: string; signature: Uint32Array }[] = [];
  if (ctx.settings.passageLevel) {
    const seen = new Set<string>();
    for (const p of r.passages) {
      if (p.text.length < ctx.settings.minPassageChars || seen.has(p.contentHash)) continue;
      seen.add(p.contentHash);
      passageSigs.push({ contentHash: p.contentHash, signature: ctx.hasher.signText(p.text) });
    }
    ctx.stats.signaturesComputed += passageSigs.length;
  }
  return { file, doc: r.doc, passages: r.passages, signature: ctx.hasher.signText(r.text), passageSigs };
}

async function writeBatch(ctx: ScanContext, corpusId: number, batch: ReadItem[]): Promise<void> {
  const { store } = ctx;
  const sigs = batch.filter((b) => b.signature).map((b) => ({ contentHash: b.doc.contentHash!, signature: b.signature! }));
  for (const b of batch) if (b.passageSigs) sigs.push(...b.passageSigs);
  await store.db.transaction(async () => {
    await store.minhashCache.putMany(ctx.hasher.numPerm, ctx.hasher.settingsKey, sigs);
    const written = await store.documents.upsertMany(
      corpusId,
      batch.map((b) => b.doc),
    );
    const replace: { documentId: number; passages: PassageInput[] }[] = [];
    for (let i = 0; i < written.length; i++) {
      const b = batch[i];
      if (!b.passages) continue;
      // Same content as stored: keep the passage rows (older scans' clusters point at them).
      if (written[i].changed || (await store.passages.countForDocument(written[i].id)) === 0) {
        replace.push({ documentId: written[i].id, passages: b.passages });
      }
    }
    await store.passages.replaceForDocuments(replace);
    written.forEach((w, i) => {
      const b = batch[i];
      if (b.doc.status === 'ok') {
        ctx.docs.push({
          id: w.id,
          absPath: b.file.absPath,
          size: b.file.size,
          mtimeMs: b.file.mtimeMs,
          hash: b.doc.contentHash!,
          dev: b.file.dev,
          ino: b.file.ino,
        });
      } else ctx.stats.skipped++;
    });
  });
}

/**
 * Takes hard links out of the matching: names of one file (same device and inode) are the
 * same file, and moving one frees nothing. The first name (in listing order) stays in
 * `ctx.docs`; the groups of names are returned to be reported as "the same file".
 */
export function separateHardLinks(ctx: ScanContext): { keep: ScanDoc; others: ScanDoc[] }[] {
  const byInode = new Map<string, ScanDoc[]>();
  for (const d of ctx.docs) {
    if (!d.ino) continue; // some file systems report no inode numbers
    const key = `${d.dev}:${d.ino}`;
    const list = byInode.get(key);
    if (list) list.push(d);
    else byInode.set(key, [d]);
  }
  const groups = [...byInode.values()].filter((g) => g.length > 1).map((g) => ({ keep: g[0], others: g.slice(1) }));
  const drop = new Set(groups.flatMap((g) => g.others));
  if (drop.size) ctx.docs = ctx.docs.filter((d) => !drop.has(d));
  ctx.stats.hardLinks = drop.size;
  return groups;
}
