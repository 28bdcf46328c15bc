/**
 * The shell's methods of the API: a folder browser limited to the allowed folders, the settings
 * file, corpus management (details, passages, rename, rescan, delete: the store only, never the
 * user's files) and what the machine computes with.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FolderEntry, FolderListing } from '../../shared/shellApi';
import type { Handlers } from './dispatch';
import { ApiError } from './errors';
import type { Engine } from './engine';
import { rescanFolderCorpus } from '../corpus/rescanFolderCorpus';
import { cpuThreads, machineCores } from '../settings/cpuThreads';
import { sampleCorpusCopy } from '../settings/sampleCorpus';
import { skipReasonCode } from '../text/skipReason';

type ShellMethods =
  | 'folders.browse'
  | 'settings.get'
  | 'settings.set'
  | 'app.compute'
  | 'corpora.details'
  | 'corpora.passages'
  | 'corpora.rename'
  | 'corpora.rescan'
  | 'corpora.delete'
  | 'app.sampleCorpus';

/** A listing stops at this many sub-folders. */
export const MAX_LISTED_FOLDERS = 1000;

function insideOrEqual(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

export function shellHandlers(engine: Engine): Pick<Handlers, ShellMethods> {
  const { store, jobs, policy, access } = engine;
  /** Corpora being rescanned by a job of this engine. */
  const busy = new Set<number>();

  const isUniqueError = (err: unknown) => /UNIQUE/i.test(err instanceof Error ? err.message : String(err));

  return {
    'folders.browse': async ({ path: requested }): Promise<FolderListing> => {
      const roots = policy.list();
      if (requested === undefined) {
        return { roots, path: null, root: null, parent: null, folders: roots.map((r) => ({ name: r, path: r })), files: 0, truncated: false };
      }
      // Refuses relative paths, paths outside the allowed folders (after `..` and symlinks are resolved) and missing ones.
      const real = policy.resolveAllowed(requested);
      if (!fs.statSync(real).isDirectory()) throw new ApiError('bad_request', `Not a folder: ${requested}`);
      const root = roots.filter((r) => insideOrEqual(real, r)).sort((a, b) => b.length - a.length)[0]!;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(real, { withFileTypes: true });
      } catch (err) {
        throw new ApiError('forbidden_path', `The folder ${requested} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
      }
      const folders: FolderEntry[] = [];
      let files = 0;
      let truncated = false;
      for (const e of entries) {
        if (e.isFile()) files++;
        // Hidden folders (".git", ".cache") are left out, as file dialogs do.
        if (e.name.startsWith('.')) continue;
        const full = path.join(real, e.name);
        let target: string | null = null;
        if (e.isDirectory()) target = full;
        else if (e.isSymbolicLink()) {
          // A link is listed only when it leads to a folder inside the allowed folders.
          try {
            const t = fs.realpathSync.native(full);
            if (policy.contains(t) && fs.statSync(t).isDirectory()) target = t;
          } catch {
            target = null;
          }
        }
        if (target === null) continue;
        if (folders.length >= MAX_LISTED_FOLDERS) {
          truncated = true;
          continue;
        }
        folders.push({ name: e.name, path: target });
      }
      folders.sort((a, b) => a.name.localeCompare(b.name));
      return { roots, path: real, root, parent: real === root ? null : path.dirname(real), folders, files, truncated };
    },

    'settings.get': () => engine.settings.view(),
    'settings.set': (patch) => {
      try {
        return engine.settings.update(patch);
      } catch (err) {
        throw new ApiError(
          'internal',
          `The settings could not be saved in ${engine.settings.file}: ${(err as Error).message}. Check that the data folder is writable.`,
        );
      }
    },

    'app.compute': async () => {
      const backend = (await engine.models.ensureBackend()).name;
      const runs = (await access.filter(await store.runs.list(), (r) => access.runVisible(r))).filter((r) => r.startedAt && r.finishedAt);
      const trainingSeconds = runs.reduce((s, r) => s + Math.max(0, (Date.parse(r.finishedAt!) - Date.parse(r.startedAt!)) / 1000), 0);
      return { backend, backendLabel: backend, cores: machineCores(), threads: cpuThreads(), runs: runs.length, trainingSeconds };
    },

    'app.sampleCorpus': () => {
      let dir: string;
      try {
        dir = sampleCorpusCopy(engine.layout.root);
      } catch (err) {
        throw new ApiError('not_found', `The sample documents cannot be set up: ${(err as Error).message}.`);
      }
      // Trusted: the engine's own copy in its data folder, not a path from the caller.
      return { path: engine.grantRoot(dir) };
    },

    'corpora.details': async ({ corpusId }) => {
      const c = await access.corpus(corpusId);
      const [documents, skipped, passages, skipReasons, scans, runs] = await Promise.all([
        store.documents.count(corpusId, 'ok'),
        store.documents.count(corpusId, 'skipped'),
        store.passages.countForCorpus(corpusId),
        store.documents.skipReasons(corpusId),
        store.scans.list(),
        store.runs.list({ corpusId }),
      ]);
      return {
        id: c.id,
        name: c.name,
        rootPath: c.rootPath,
        kind: c.kind,
        createdAt: c.createdAt,
        documents,
        skipped,
        passages,
        skipReasons: skipReasons.map((r) => ({ ...r, ...skipReasonCode(r.reason) })),
        scans: scans.filter((s) => s.roots.includes(c.rootPath)).length,
        runs: runs.length,
        folderExists: c.kind === 'folder' && fs.existsSync(c.rootPath),
      };
    },

    'corpora.passages': async ({ corpusId, documentId, limit }) => {
      await access.corpus(corpusId);
      const doc = await store.documents.get(documentId);
      if (!doc || doc.corpusId !== corpusId) throw new ApiError('not_found', `Corpus ${corpusId} has no document ${documentId}.`);
      return (await store.passages.listForDocument(documentId)).slice(0, limit).map((p) => ({ id: p.id, index: p.index, text: p.text }));
    },

    'corpora.rename': async ({ corpusId, name }) => {
      const c = await access.corpus(corpusId);
      const other = await store.corpora.getByName(name);
      if (other && other.id !== c.id) throw new ApiError('conflict', `A corpus named "${name}" already exists; choose another name.`);
      try {
        await store.corpora.rename(corpusId, name);
      } catch (err) {
        if (isUniqueError(err)) throw new ApiError('conflict', `A corpus named "${name}" already exists; choose another name.`);
        throw err;
      }
      return { id: corpusId, name };
    },

    'corpora.rescan': async ({ corpusId }) => {
      const c = await access.corpus(corpusId);
      if (c.kind !== 'folder') throw new ApiError('bad_request', `Corpus "${c.name}" was made from a file of pairs; it has no folder to read again.`);
      if (busy.has(corpusId)) throw new ApiError('conflict', `Corpus "${c.name}" is being read again already; wait for it to finish.`);
      let root: string;
      try {
        root = policy.resolveAllowed(c.rootPath);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'not_found')
          throw new ApiError('not_found', `The folder ${c.rootPath} of corpus "${c.name}" is gone. Its documents stay in the app until you delete the corpus.`);
        throw err;
      }
      busy.add(corpusId);
      const job = jobs.start('corpus.index', async (ctx) => {
        try {
          return await rescanFolderCorpus({ store, corpusId, root }, ctx);
        } finally {
          busy.delete(corpusId);
        }
      });
      return { jobId: job.id };
    },

    'corpora.delete': async ({ corpusId }) => {
      const c = await access.corpus(corpusId);
      if (jobs.list().some((j) => j.status === 'running' && j.kind === 'corpus.index'))
        throw new ApiError('conflict', `A folder is being read (Documents shows its progress); delete corpus "${c.name}" when that has finished.`);
      if (jobs.list().some((j) => j.status === 'running' && j.kind === 'dedup'))
        throw new ApiError('conflict', 'A duplicate scan is running and may be reading this folder; delete the corpus when it has finished.');
      const documents = await store.documents.count(corpusId);
      // Only the app's records: documents, passages and pairs go with the corpus; runs stay, unlinked. No file is touched.
      const removed = await store.corpora.remove(corpusId);
      return { removed, documents };
    },
  };
}
