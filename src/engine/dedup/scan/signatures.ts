/** Stage 3: MinHash signatures of documents and passages, from the cache or computed. */
import { documentPassageTexts, passageTextsByHash } from '../../store/repositories/scanData';
import { contentHash } from '../../text/normalize';
import { SignaturePool } from '../minhash';
import type { ScanContext } from './context';
import type { PassageSet } from './passages';

const CACHE_CHUNK = 256;

export async function documentSignatures(ctx: ScanContext, contentHashes: string[], contentDocs: number[][]): Promise<SignaturePool> {
  const { hasher } = ctx;
  const pool = new SignaturePool(hasher.numPerm, contentHashes.length);
  const total = contentHashes.length;
  ctx.progress('signatures', 0, total);
  for (let start = 0; start < total; start += CACHE_CHUNK) {
    ctx.check();
    const part = contentHashes.slice(start, start + CACHE_CHUNK);
    const cached = await ctx.store.minhashCache.getMany(hasher.numPerm, hasher.settingsKey, part);
    for (let i = 0; i < part.length; i++) {
      let sig = cached.get(part[i]);
      if (sig) ctx.stats.signaturesCached++;
      else sig = await signatureFromFile(ctx, part[i], contentDocs[start + i]);
      pool.push(sig);
    }
    ctx.progress('signatures', Math.min(total, start + CACHE_CHUNK), total);
  }
  return pool;
}

/** A document signature missing from the cache (settings changed, cache cleared): read the file again. */
async function signatureFromFile(ctx: ScanContext, hash: string, docIndexes: number[]): Promise<Uint32Array> {
  for (const i of docIndexes) {
    ctx.stats.read++;
    const r = await ctx.read(ctx.docs[i].absPath, { signal: ctx.opts.signal });
    if (r.ok && contentHash(r.text) === hash) {
      const sig = ctx.hasher.signText(r.text);
      ctx.stats.signaturesComputed++;
      await ctx.store.minhashCache.putMany(ctx.hasher.numPerm, ctx.hasher.settingsKey, [{ contentHash: hash, signature: sig }]);
      return sig;
    }
  }
  // Every copy changed since it was listed: fall back to the stored passages.
  const texts = await documentPassageTexts(ctx.store.db, ctx.docs[docIndexes[0]].id);
  ctx.stats.signaturesComputed++;
  return ctx.hasher.signText(texts.join('\n\n'));
}

/** Passage signatures: most were computed as the files were read (listRead.ts) and are found in the cache. */
export async function passageSignatures(ctx: ScanContext, passages: PassageSet): Promise<SignaturePool> {
  const { hasher } = ctx;
  const hashes = passages.eligibleHashes;
  const pool = new SignaturePool(hasher.numPerm, hashes.length);
  const total = hashes.length;
  for (let start = 0; start < total; start += CACHE_CHUNK) {
    ctx.check();
    const part = hashes.slice(start, start + CACHE_CHUNK);
    const cached = await ctx.store.minhashCache.getMany(hasher.numPerm, hasher.settingsKey, part);
    const missing = part.filter((h) => !cached.has(h));
    if (missing.length) {
      const texts = await passageTextsByHash(ctx.store.db, missing);
      const fresh = missing.map((h) => ({ contentHash: h, signature: hasher.signText(texts.get(h) ?? '') }));
      ctx.stats.signaturesComputed += fresh.length;
      await ctx.store.minhashCache.putMany(hasher.numPerm, hasher.settingsKey, fresh);
      for (const f of fresh) cached.set(f.contentHash, f.signature);
    }
    ctx.stats.signaturesCached += part.length - missing.length;
    for (const h of part) pool.push(cached.get(h)!);
    ctx.progress('signatures', start + part.length, total, 'passages');
  }
  return pool;
}
