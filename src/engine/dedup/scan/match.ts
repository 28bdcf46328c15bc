/**
 * Stage 5: candidate matches between distinct contents (files) and between distinct passages:
 * near (MinHash), semantic (bi-encoder, borderline pairs re-scored by the cross-encoder), each
 * semantic file match checked on its content (passage coverage, numbers) before it counts.
 */
import type { SemanticLevel } from '../../store/repositories/caches';
import { documentPassageTexts, passageTextsByHash } from '../../store/repositories/scanData';
import { candidateFloor, judgeBorderline, rescoreBorderline, splitAt } from '../crossRescore';
import type { EvidencedMatch, MatchDetail } from '../keeperGroups';
import { findNearDuplicatePairs, type SignaturePool } from '../minhash';
import { numbersAgree, passageCoverage, type Coverage, type PassageSide } from '../passageEvidence';
import { searchSemanticPairsCached } from '../semanticCache';
import { searchSemanticPairs } from '../semantic';
import { DEFAULT_PASSAGE_COVERAGE, DEFAULT_PASSAGE_MUTUAL } from '../thresholds';
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
  // Passages that recur across files are information, not moves: the pair judge decides file
  // pairs and the passages inside them (fileMatches), not every passage pair of the folder (at
  // 10,000 files of 1 KB that was 37,000 pairs and 12% of the scan, again on every rescan).
  if (level === 'passage' && ctx.opts.judge && !ctx.opts.score) {
    return semanticMatchesWith(ctx, level, data, hashes, textOf, present, worthJudging, false);
  }
  return semanticMatchesWith(ctx, level, data, hashes, textOf, present, worthJudging, true);
}

async function semanticMatchesWith(
  ctx: ScanContext,
  level: SemanticLevel,
  data: Float32Array,
  hashes: readonly string[],
  textOf: (i: number) => Promise<string>,
  present: Uint8Array | null,
  worthJudging: ((a: number, b: number) => boolean) | undefined,
  useJudge: boolean,
): Promise<Match[]> {
  if (present) {
    // Only the rows that have vectors (the candidate stage's choice) are searched.
    const rows: number[] = [];
    present.forEach((x, i) => x && rows.push(i));
    const dimOf = hashes.length ? data.length / hashes.length : 0;
    const sub = new Float32Array(rows.length * dimOf);
    rows.forEach((r, i) => sub.set(data.subarray(r * dimOf, (r + 1) * dimOf), i * dimOf));
    const found = await semanticMatchesWith(
      ctx,
      level,
      sub,
      rows.map((r) => hashes[r]),
      (i) => textOf(rows[i]),
      null,
      worthJudging ? (a, b) => worthJudging(rows[a], rows[b]) : undefined,
      useJudge,
    );
    return found.map((m) => ({ ...m, a: rows[m.a], b: rows[m.b] }));
  }
  const count = hashes.length;
  if (count < 2 || data.length === 0) return [];
  const t = ctx.settings.thresholds;
  const scorer = ctx.opts.score;
  // The cross-encoder the user picked decides the band; without one, the built-in pair judge
  // decides from its own candidate floor.
  const judge = scorer || !useJudge ? undefined : ctx.opts.judge;
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
 * Passage coverage in which a passage whose best match on the other side lies below the semantic
 * threshold still counts when the pair judge (or the cross-encoder) accepts that passage pair:
 * a paraphrased document has its passages reworded, each at a cosine of 0.7-0.9 with its
 * original, so coverage at cosine >= 0.9 alone never held for it (bench/dedup-scale.ts: 2 of
 * 72 paraphrased documents found). Decisions are cached per passage pair for the scan.
 */
export class PassageDecider {
  private readonly decided = new Map<string, number>();
  private readonly texts = new Map<number, string>();

  constructor(
    private readonly ctx: ScanContext,
    private readonly hashes: readonly string[],
    /** Cosine from which a passage pair is asked about. */
    readonly floor: number,
  ) {}

  /** The decider a scan has: its cross-encoder, else its pair judge, else none. */
  static of(ctx: ScanContext, hashes: readonly string[]): PassageDecider | null {
    if (ctx.opts.score) return new PassageDecider(ctx, hashes, ctx.settings.thresholds.semantic - ctx.settings.thresholds.crossBand);
    if (ctx.opts.judge) return new PassageDecider(ctx, hashes, Math.min(ctx.opts.judge.candidateFloor, ctx.settings.thresholds.semantic));
    return null;
  }

  /** Coverage both ways with the borderline best matches decided; `score` of a decided pair: the decider's. */
  async coverage(
    a: PassageSide,
    b: PassageSide,
    similarity: (x: number, y: number) => number,
    threshold: number,
  ): Promise<Coverage & { decidedScore: number | null }> {
    // The best match of every passage, both ways: those in [floor, threshold) are asked about.
    const ask: Array<[number, number, number]> = [];
    const best = (from: readonly number[], to: readonly number[], sim: (x: number, y: number) => number, flip: boolean) => {
      for (const x of from) {
        let s = -Infinity;
        let at = -1;
        for (const y of to) {
          const v = sim(x, y);
          if (v > s) {
            s = v;
            at = y;
          }
        }
        if (at >= 0 && s >= this.floor && s < threshold) ask.push(flip ? [at, x, s] : [x, at, s]);
      }
    };
    best(a.rows, b.rows, similarity, false);
    best(b.rows, a.rows, (y, x) => similarity(x, y), true);
    await this.decide(ask);
    let lowest: number | null = null;
    const accept = this.acceptFrom();
    const lifted = (x: number, y: number) => {
      const s = similarity(x, y);
      if (s >= threshold || s < this.floor) return s;
      const d = this.decided.get(`${x}:${y}`);
      return d !== undefined && d >= accept ? threshold : s;
    };
    const cov = passageCoverage(a, b, lifted, threshold);
    // Evidence shows the passages' own cosines; the decider's lowest accepted score is the match's.
    cov.pairs = cov.pairs.map(([i, j]) => {
      const x = a.rows[i];
      const y = b.rows[j];
      const s = similarity(x, y);
      const d = this.decided.get(`${x}:${y}`);
      if (s < threshold && d !== undefined && d >= accept) lowest = lowest === null ? d : Math.min(lowest, d);
      return [i, j, s] as [number, number, number];
    });
    return { ...cov, decidedScore: lowest };
  }

  private acceptFrom(): number {
    return this.ctx.opts.score ? this.ctx.settings.thresholds.cross : this.ctx.opts.judge!.accept;
  }

  private async decide(pairs: Array<[number, number, number]>): Promise<void> {
    const todo = pairs.filter(([x, y]) => !this.decided.has(`${x}:${y}`));
    if (!todo.length) return;
    const missing = [...new Set(todo.flatMap(([x, y]) => [x, y]))].filter((r) => !this.texts.has(r));
    if (missing.length) {
      const got = await passageTextsByHash(
        this.ctx.store.db,
        missing.map((r) => this.hashes[r]),
      );
      for (const r of missing) this.texts.set(r, got.get(this.hashes[r]) ?? '');
      if (this.texts.size > 20000) this.texts.clear();
    }
    const textOf = (r: number) => this.texts.get(r) ?? '';
    const pairTexts = todo.map(([x, y]) => [textOf(x), textOf(y)] as [string, string]);
    const scores = this.ctx.opts.score
      ? await this.ctx.opts.score(pairTexts)
      : await this.ctx.opts.judge!.judge(
          pairTexts,
          todo.map((p) => p[2]),
        );
    if (scores.length !== todo.length) throw new Error(`the pair judge returned ${scores.length} verdicts for ${todo.length} passage pairs`);
    this.ctx.stats.passagePairsJudged = (this.ctx.stats.passagePairsJudged ?? 0) + todo.length;
    todo.forEach(([x, y], i) => this.decided.set(`${x}:${y}`, Number.isFinite(scores[i]) ? scores[i] : 0));
  }
}

/**
 * File-level matches between distinct contents (row c = content c, whose first document
 * `contentDocs[c][0]` stands for it): near pairs, and semantic pairs that hold on content.
 */
export async function fileMatches(
  ctx: ScanContext,
  contentHashes: string[],
  contentDocs: number[][],
  /** The near layer's file pairs (nearMatches over the document signatures). */
  nearFiles: readonly EvidencedMatch[],
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
  for (const m of nearFiles) {
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
  const decider = pv ? PassageDecider.of(ctx, passages.eligibleHashes) : null;
  const multi = (a: number, b: number) => side(a).rows.length > 1 || side(b).rows.length > 1;
  // With the pair judge, a borderline pair of long documents is decided passage by passage
  // (below) rather than by the judge reading the first 2,000 characters of each as one text:
  // the judge was fitted on sentence pairs, and passages are what it knows.
  const byPassages: Array<{ a: number; b: number }> = [];
  const passageJudged = !!decider && !ctx.opts.score;
  const sem = await semanticMatches(
    ctx,
    'file',
    vectors.docVectors,
    contentHashes,
    async (c) => (await textOf(c)).slice(0, CROSS_TEXT_CHARS),
    vectors.contentsPresent,
    // Long documents must hold passage by passage (checked below for every match): a borderline
    // pair that cannot, even if every passage with a candidate match were accepted, is not worth
    // the judge's time (at 10,000 files of 1 KB most are such).
    (a, b) => {
      if (!multi(a, b)) return true;
      if (!pv) return false;
      const cov = passageCoverage(side(a), side(b), similarity, decider ? decider.floor : t.semantic);
      if (Math.max(cov.ab, cov.ba) < DEFAULT_PASSAGE_COVERAGE) return false;
      if (!passageJudged) return true;
      byPassages.push({ a, b });
      return false;
    },
  );
  const docCosine = (a: number, b: number) => {
    const v = vectors.docVectors;
    let s = 0;
    for (let k = 0, oa = a * dim, ob = b * dim; k < dim; k++) s += v[oa + k] * v[ob + k];
    return s;
  };
  const candidates: Match[] = [...sem, ...byPassages.map(({ a, b }): Match => ({ a, b, layer: 'cross', score: 0, cosine: docCosine(a, b), judged: true }))];
  const fromPassagesAt = sem.length;
  for (const [ci, m] of candidates.entries()) {
    ctx.check();
    const fromPassages = ci >= fromPassagesAt;
    // Long documents: the whole-text vectors of one genre are alike; each side's passages must
    // have matches on the other side.
    const a = side(m.a);
    const b = side(m.b);
    let detail: MatchDetail = m.judged ? { cosine: m.cosine, judge: m.score } : m.layer === 'cross' ? { cross: m.score } : { cosine: m.score };
    let match: Match = m;
    if (a.rows.length > 1 || b.rows.length > 1) {
      if (!pv) {
        ctx.stats.semanticRejectedCoverage++;
        continue;
      }
      // The cosine alone first (as before the judge read passages); the judge or cross-encoder
      // only for what it cannot hold.
      // Whole texts alike at the semantic threshold: passages that pair off (mutual best matches
      // at DEFAULT_PASSAGE_MUTUAL) count too, as a rewording passage by passage.
      const mutual = m.layer === 'semantic' ? DEFAULT_PASSAGE_MUTUAL : null;
      let cov: Coverage & { decidedScore: number | null } = { ...passageCoverage(a, b, similarity, t.semantic, 3, mutual), decidedScore: null };
      if ((fromPassages || Math.max(cov.ab, cov.ba) < DEFAULT_PASSAGE_COVERAGE) && decider) cov = await decider.coverage(a, b, similarity, t.semantic);
      // One side must be contained in the other; which side may be moved for it is decided
      // when groups are built (a member is only moved if its own passages are covered).
      if (Math.max(cov.ab, cov.ba) < DEFAULT_PASSAGE_COVERAGE) {
        ctx.stats.semanticRejectedCoverage++;
        continue;
      }
      if (cov.decidedScore !== null) {
        // Held by passages the judge (or cross-encoder) accepted: a `cross` match, scored by the
        // lowest of those verdicts, never pre-selected.
        const score = cov.decidedScore;
        const cosine = m.cosine ?? m.score;
        match = passageJudged ? { a: m.a, b: m.b, layer: 'cross', score, cosine, judged: true } : { a: m.a, b: m.b, layer: 'cross', score };
        detail = passageJudged ? { cosine, judge: score } : { cosine, cross: score };
        if (fromPassages) ctx.stats.crossAccepted++;
      } else if (fromPassages) {
        // Every passage matched at the semantic threshold on its own: a meaning match on the cosines.
        match = { a: m.a, b: m.b, layer: 'semantic', score: m.cosine ?? 0 };
        detail = { cosine: m.cosine };
      }
      detail.coverage = [cov.ab, cov.ba];
      detail.passages = cov.pairs;
    }
    const nums = numbersAgree(await textOf(m.a), await textOf(m.b));
    detail.numbers = [nums.shared, nums.total];
    if (!nums.agree) {
      ctx.stats.semanticRejectedNumbers++;
      continue;
    }
    const { a: ma, b: mb, layer, score } = match;
    out.push({ a: ma, b: mb, layer, score, detail });
    if (fullText.size > 2000) fullText.clear();
  }
  return out;
}
