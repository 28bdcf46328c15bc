/**
 * GloVe SIF cosine as teacher evidence: a second model family (word vectors, no transformer)
 * whose errors differ from USE lite's (issue 10: 0.7·z(USE) + 0.3·z(SIF) beats USE lite alone).
 * The first principal component is estimated on the pairs' own texts, as in the SIF paper.
 */
import { type GloveSif, gloveVectorsLoaded, loadGlove, resolveGloveDir, unloadGloveVectors, type LoadGloveOptions } from '../../models/glove';
import type { PairList } from '../scoring';

export function sifScores(pairs: PairList, options: LoadGloveOptions = {}): Float32Array {
  // The table (400,000 x 100 floats, 160 MB, plus its vocabulary) is let go after use unless
  // something else had loaded it: a run would otherwise hold it through training (issue 14).
  const dir = resolveGloveDir(options);
  const keep = gloveVectorsLoaded(dir);
  try {
    return sifCosines(loadGlove(options), pairs);
  } finally {
    if (!keep) unloadGloveVectors(dir);
  }
}

function sifCosines(sif: GloveSif, pairs: PairList): Float32Array {
  const texts = [...new Set([...pairs.a, ...pairs.b])];
  const index = new Map(texts.map((t, i) => [t, i]));
  const vectors = sif.embed(texts, { component: 'texts' });
  const out = new Float32Array(pairs.a.length);
  for (let p = 0; p < out.length; p++) {
    const u = vectors[index.get(pairs.a[p]!)!]!;
    const v = vectors[index.get(pairs.b[p]!)!]!;
    let dot = 0;
    for (let d = 0; d < u.length; d++) dot += u[d]! * v[d]!;
    out[p] = dot;
  }
  return out;
}
