/**
 * Content-addressed caches that make rescans incremental: embeddings, MinHash signatures, and
 * the semantic layer's candidate pairs of the last scan.
 */
import { chunks, placeholders, type RepoContext } from './common';

/** Copies a BLOB into a typed array (Buffers from SQLite need not be 4-byte aligned). Native byte order. */
function toFloat32(buf: Buffer): Float32Array {
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function toUint32(buf: Buffer): Uint32Array {
  const out = new Uint32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

function toBlob(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

export function embeddingCacheRepository({ db, now }: RepoContext) {
  return {
    /** Cached vectors of `modelId` for these content hashes; hashes not cached are absent from the map. */
    async getMany(modelId: number, contentHashes: readonly string[]): Promise<Map<string, Float32Array>> {
      const out = new Map<string, Float32Array>();
      for (const part of chunks([...new Set(contentHashes)])) {
        const rows = await db.all<{ content_hash: string; vector: Buffer }>(
          `SELECT content_hash, vector FROM embedding_cache WHERE model_id = ? AND content_hash IN (${placeholders(part.length)})`,
          [modelId, ...part],
        );
        for (const r of rows) out.set(r.content_hash, toFloat32(r.vector));
      }
      return out;
    },

    /** Stores (or replaces) vectors of `modelId` in one transaction; returns how many were written. */
    async putMany(modelId: number, entries: readonly { contentHash: string; vector: Float32Array }[]): Promise<number> {
      if (entries.length === 0) return 0;
      return db.transaction(() =>
        db.withStatement('INSERT OR REPLACE INTO embedding_cache (content_hash, model_id, dim, vector, created_at) VALUES (?, ?, ?, ?, ?)', async (insert) => {
          const at = now();
          for (const e of entries) await insert.run([e.contentHash, modelId, e.vector.length, toBlob(e.vector), at]);
          return entries.length;
        }),
      );
    },

    /** Number of cached vectors, of one model or in all. */
    async count(modelId?: number): Promise<number> {
      const row = await db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM embedding_cache${modelId == null ? '' : ' WHERE model_id = ?'}`,
        modelId == null ? [] : [modelId],
      );
      return row!.n;
    },

    /** Drops the cached vectors of a model (e.g. after retraining it in place). */
    async clearModel(modelId: number): Promise<number> {
      return (await db.run('DELETE FROM embedding_cache WHERE model_id = ?', [modelId])).changes;
    },
  };
}

export function minhashCacheRepository({ db, now }: RepoContext) {
  return {
    /** Cached signatures for these content hashes made with `numPerm` permutations and `settingsKey`. */
    async getMany(numPerm: number, settingsKey: string, contentHashes: readonly string[]): Promise<Map<string, Uint32Array>> {
      const out = new Map<string, Uint32Array>();
      for (const part of chunks([...new Set(contentHashes)])) {
        const rows = await db.all<{ content_hash: string; signature: Buffer }>(
          `SELECT content_hash, signature FROM minhash_cache
            WHERE num_perm = ? AND settings_key = ? AND content_hash IN (${placeholders(part.length)})`,
          [numPerm, settingsKey, ...part],
        );
        for (const r of rows) out.set(r.content_hash, toUint32(r.signature));
      }
      return out;
    },

    /** Stores (or replaces) signatures in one transaction; returns how many were written. */
    async putMany(numPerm: number, settingsKey: string, entries: readonly { contentHash: string; signature: Uint32Array }[]): Promise<number> {
      if (entries.length === 0) return 0;
      // Many rows a statement: a scan stores a signature for every file and passage it reads.
      return db.transaction(async () => {
        const at = now();
        for (const part of chunks(entries, 100)) {
          await db.run(
            `INSERT OR REPLACE INTO minhash_cache (content_hash, num_perm, settings_key, signature, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
            part.flatMap((e) => [e.contentHash, numPerm, settingsKey, toBlob(e.signature), at]),
          );
        }
        return entries.length;
      });
    },
  };
}

export type SemanticLevel = 'file' | 'passage';

/** Candidate pairs as positions in the sorted list of the searched content hashes. */
export interface CachedSemanticPairs {
  method: 'exact' | 'ann';
  itemCount: number;
  /** a0, b0, a1, b1, ... */
  pairItems: Int32Array;
  similarities: Float32Array;
}

export function semanticPairsCacheRepository({ db, now }: RepoContext) {
  return {
    /** The pairs stored for this model and level if they were found with `params` among exactly the items of `itemsDigest`. */
    async get(modelId: number, level: SemanticLevel, params: string, itemsDigest: string): Promise<CachedSemanticPairs | null> {
      const row = await db.get<{ item_count: number; method: 'exact' | 'ann'; pair_items: Buffer; similarities: Buffer }>(
        `SELECT item_count, method, pair_items, similarities FROM semantic_pairs_cache
          WHERE model_id = ? AND level = ? AND params = ? AND items_digest = ?`,
        [modelId, level, params, itemsDigest],
      );
      if (!row) return null;
      const pairItems = new Int32Array(row.pair_items.byteLength / 4);
      new Uint8Array(pairItems.buffer).set(row.pair_items);
      return { method: row.method, itemCount: row.item_count, pairItems, similarities: toFloat32(row.similarities) };
    },

    /** Replaces the pairs kept for this model and level (one set each: the last scan's). */
    async put(modelId: number, level: SemanticLevel, params: string, itemsDigest: string, pairs: CachedSemanticPairs): Promise<void> {
      if (pairs.pairItems.length !== 2 * pairs.similarities.length) throw new RangeError('pairItems must hold two items per similarity');
      await db.run(
        `INSERT OR REPLACE INTO semantic_pairs_cache
           (model_id, level, params, items_digest, item_count, method, pair_items, similarities, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [modelId, level, params, itemsDigest, pairs.itemCount, pairs.method, toBlob(pairs.pairItems), toBlob(pairs.similarities), now()],
      );
    },
  };
}

export type EmbeddingCacheRepository = ReturnType<typeof embeddingCacheRepository>;
export type MinhashCacheRepository = ReturnType<typeof minhashCacheRepository>;
export type SemanticPairsCacheRepository = ReturnType<typeof semanticPairsCacheRepository>;
