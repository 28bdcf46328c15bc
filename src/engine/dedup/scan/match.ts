/**
 * Stage 5: candidate matches between distinct contents (files) and between distinct passages:
 * near (MinHash), semantic (bi-encoder, borderline pairs re-scored by the cross-encoder), each
 * semantic file match checked on its content (passage coverage, numbers) before it counts.
 */
import type { SemanticLevel } from '../../store/repositories/caches';
import { documentPassageTexts } from '../../store/repositories/scanData';
import { candidateFloor, judgeBorderline, rescoreBorderline, splitAt } from '../crossRescore';
import type { EvidencedMatch, MatchDetail } from '../keeperGroups';
import { findNearDuplicatePairs, type SignaturePool } from '../minhash';
import { numbersAgree, passageCoverage } from '../passageEvidence';
import { searchSemanticPairsCached } from '../semanticCache';
import { searchSemanticPairs } from '../semantic';
import { DEFAULT_PASSAGE_COVERAGE } from '../thresholds';
import type { Match } from '../types';
import type { ScanContext } from './context';
import type { ScanVectors } from './embed';
import { eligibleOfDoc, type PassageSet } from './passages';

const CROSS_TEXT_CHARS = 2000;

/** Near-duplicate pairs among the items of `signatures` (estimated Jaccard ≥ the near threshold). */
export async function nearMatches(ctx: ScanContext, signatures: SignaturePool, withProgress: boolean): Promise<EvidencedMatch[]> {
  if (signatures.size < 2) return [];
  ctx.check();
  if (withProgress) ctx.progress('near', 0, null);
  const near = await findNearDuplicatePairs(signatures, {
    threshold: ctx.settings.thresholds.near,
    signal: ctx.opts.signal,
    onProgress: withProgress ? (d, t) => ctx.progress('near', d, t) : undefined,
  });
  ctx.stats.nearPairs += near.length;
  return near.map((p) => ({ a: p.a, b: p.b, layer: 'near', score: p.jaccard, detail: { jaccard: p.jaccard } }));
}

/** Semantic candidates among the rows of `data`, split by the cross-encoder band and re-scored. */
export async function semanticMatches(
  ctx: ScanContext,
  level: SemanticLevel,
  data: Float32Array,
  hashes: readonly string[],
  textOf: (i: number) => Promise<string>,
  present: Uint8Array | null = null,
  /** Borderline pairs that fail it are dropped before the judge or cross-encoder reads them. */
  worthJudging?: (a: number, b: number) => boolean,
): Promise<Match[]> {
  if (present) {
    // Only the rows that have vectors (the candidate stage's choice) are searched.
    const rows: number[] = [];
    present.forEach((x, i) => x && rows.push(i));
    const dimOf = hashes.length ? data.length / hashes.length : 0;
    const sub = new Float32Array(rows.length * dimOf);
    rows.forEach((r, i) => sub.set(data.subarray(r * dimOf, (r + 1) * dimOf), i * dimOf));
    const found = await semanticMatches(
      ctx,
      level,
      sub,
      rows.map((r) => hashes[r]),
      (i) => textOf(rows[i]),
      null,
      worthJudging ? (a, b) => worthJudging(rows[a], rows[b]) : undefined,
    );
    return found.map((m) => ({ ...m, a: rows[m.a], b: rows[m.b] }));
  }
  const count = hashes.length;
  if (count < 2 || data.length === 0) return [];
  const t = ctx.settings.thresholds;
  const scorer = ctx.opts.score;
  // The cross-encoder the user picked decides the band; without one, the built-in pair judge
  // decides from its own candidate floor.
  const judge = scorer ? undefined : ctx.opts.judge;
  const floor = judge ? Math.min(judge.candidateFloor, t.semantic) : candidateFloor(t.semantic, t.crossBand, !!scorer);
  // The judge only adds: what the cosine alone accepts (≥ semantic) stays accepted.
  const ceiling = scorer ? t.semantic + t.crossBand : t.semantic;
  const dim = data.length / count;
  ctx.check();
  ctx.progress('semantic', 0, null);
  const matrix = { data, dim, count };
  const searchOpts = {
    threshold: floor,
    k: ctx.settings.semanticK,
    exactMaxItems: ctx.settings.exactMaxItems,
    signal: ctx.opts.signal,
    onProgress: (d: number, n: number) => ctx.progress('semantic', d, n),
  };
  const modelId = ctx.settings.embedModelId;
  const found =
    modelId == null
      ? await searchSemanticPairs(matrix, searchOpts)
      : await searchSemanticPairsCached(matrix, searchOpts, { cache: ctx.store.semanticPairsCache, modelId, level, hashes });
  if ('fromCache' in found && found.fromCache) ctx.stats.semanticFromCache++;
  ctx.stats.semanticMethod = ctx.stats.semanticMethod === 'ann' ? 'ann' : found.method;
  const split = splitAt(found.pairs, floor, ceiling);
  if (worthJudging) split.borderline = split.borderline.filter((p) => worthJudging(p.a, p.b));
  ctx.stats.semanticPairs += split.confident.length;
  const out: Match[] = split.confident.map((p) => ({ a: p.a, b: p.b, layer: 'semantic', score: p.similarity }));
  if (scorer && split.borderline.length) {
    ctx.progress('rescoring', 0, split.borderline.length);
    const r = await rescoreBorderline(split.borderline, textOf, scorer, {
      accept: t.cross,
      batchSize: ctx.opts.crossBatchSize,
      signal: ctx.opts.signal,
      onProgress: (d, n) => ctx.progress('rescoring', d, n),
    });
    ctx.stats.crossScored += split.borderline.length;
    ctx.stats.crossAccepted += r.accepted.length;
    out.push(...r.accepted);
  } else if (judge && split.borderline.length) {
    ctx.progress('rescoring', 0, split.borderline.length);
    const r = await judgeBorderline(split.borderline, textOf, judge, {
      batchSize: ctx.opts.crossBatchSize,
      signal: ctx.opts.signal,
      onProgress: (d, n) => ctx.progress('rescoring', d, n),
    });
    ctx.stats.crossScored += split.borderline.length;
    ctx.stats.crossAccepted += r.accepted.length;
    out.push(...r.accepted);
  }
  return out;
}

/**
 * File-level matches between distinct contents (row c = content c, whose first document
 * `contentDocs[c][0]` stands for it): near pairs, and semantic pairs that hold on content.
 */
export async function fileMatches(
  ctx: ScanContext,
  contentHashes: string[],
  contentDocs: number[][],
  docSignatures: SignaturePool,
  vectors: ScanVectors | null,
  passages: PassageSet,
): Promise<EvidencedMatch[]> {
  const rep = (c: number) => contentDocs[c][0];
  const t = ctx.settings.thresholds;
  const side = (c: number) => eligibleOfDoc(passages, rep(c));
  const pv = vectors?.passageVectors ?? null;
  const dim = vectors?.dim ?? 0;
  const similarity = (x: number, y: number) => {
    if (x === y) return 1;
    if (!pv) return 0;
    let s = 0;
    for (let k = 0, ox = x * dim, oy = y * dim; k < dim; k++) s += pv[ox + k] * pv[oy + k];
    return s;
  };
  const pp = vectors?.passagesPresent ?? null;
  const coverageOf = (a: number, b: number) => passageCoverage(side(a), side(b), similarity, t.semantic);
  // Passage vectors are there for both sides (not left out by the candidate stage).
  const comparable = (a: number, b: number) => !!pv && (!pp || [...side(a).rows, ...side(b).rows].every((r) => pp[r]));

  const out: EvidencedMatch[] = [];
  for (const m of await nearMatches(ctx, docSignatures, true)) {
    // Shown as evidence only: near is decided on the whole text's shingles.
    if (!comparable(m.a, m.b)) {
      out.push(m);
      continue;
    }
    const cov = coverageOf(m.a, m.b);
    out.push({ ...m, detail: { ...m.detail, coverage: [cov.ab, cov.ba], passages: cov.pairs } });
  }
  if (!vectors) return out;

  const fullText = new Map<number, Promise<string>>();
  const textOf = (c: number) => {
    let p = fullText.get(c);
    if (!p) fullText.set(c, (p = documentPassageTexts(ctx.store.db, ctx.docs[rep(c)].id).then((ts) => ts.join('\n\n'))));
    return p;
  };
  const sem = await semanticMatches(
    ctx,
    'file',
    vectors.docVectors,
    contentHashes,
    async (c) => (await textOf(c)).slice(0, CROSS_TEXT_CHARS),
    vectors.contentsPresent,
    // Long documents must hold passage by passage (checked below for every match): a borderline
    // pair that cannot is not worth the judge's time (at 10,000 files of 1 KB most are such).
    (a, b) => {
      const sa = side(a);
      const sb = side(b);
      if (sa.rows.length <= 1 && sb.rows.length <= 1) return true;
      if (!pv) return false;
      const cov = passageCoverage(sa, sb, similarity, t.semantic);
      return Math.max(cov.ab, cov.ba) >= DEFAULT_PASSAGE_COVERAGE;
    },
  );
  for (const m of sem) {
    ctx.check();
    const detail: MatchDetail = m.judged ? { cosine: m.cosine, judge: m.score } : m.layer === 'cross' ? { cross: m.score } : { cosine: m.score };
    // Long documents: the whole-text vectors of one genre are alike; each side's passages must
    // have matches on the other side.
    const a = side(m.a);
    const b = side(m.b);
    if (a.rows.length > 1 || b.rows.length > 1) {
      if (!pv) {
        ctx.stats.semanticRejectedCoverage++;
        continue;
      }
      const cov = passageCoverage(a, b, similarity, t.semantic);
      detail.coverage = [cov.ab, cov.ba];
      detail.passages = cov.pairs;
      // One side must be contained in the other; which side may be moved for it is decided
      // when groups are built (a member is only moved if its own passages are covered).
      if (Math.max(cov.ab, cov.ba) < DEFAULT_PASSAGE_COVERAGE) {
        ctx.stats.semanticRejectedCoverage++;
        continue;
      }
    }
    const nums = numbersAgree(await textOf(m.a), await textOf(m.b));
    detail.numbers = [nums.shared, nums.total];
    if (!nums.agree) {
      ctx.stats.semanticRejectedNumbers++;
      continue;
    }
    out.push({ ...m, detail });
    if (fullText.size > 2000) fullText.clear();
  }
  return out;
}
