/** Sentence pairs mined from a corpus, and pairs the user labelled for model selection. */
import type { LabelScale, LabelledPair, LabelledPairInput, PairSource, SentencePair, SentencePairInput } from '../types';
import { iso, page, type RepoContext } from './common';

interface PairRow {
  id: number;
  corpus_id: number;
  text_a: string;
  text_b: string;
  source: PairSource;
  gold_score: number | null;
  created_at: number;
}

function toPair(r: PairRow): SentencePair {
  return {
    id: r.id,
    corpusId: r.corpus_id,
    textA: r.text_a,
    textB: r.text_b,
    source: r.source,
    goldScore: r.gold_score,
    createdAt: iso(r.created_at),
  };
}

interface LabelRow {
  id: number;
  text_a: string;
  text_b: string;
  label: number;
  scale: LabelScale;
  corpus_id: number | null;
  created_at: number;
}

function toLabelled(r: LabelRow): LabelledPair {
  return {
    id: r.id,
    textA: r.text_a,
    textB: r.text_b,
    label: r.label,
    scale: r.scale,
    corpusId: r.corpus_id,
    createdAt: iso(r.created_at),
  };
}

export function sentencePairsRepository({ db, now }: RepoContext) {
  return {
    /** Adds pairs to a corpus in one transaction; returns their ids in input order. */
    async addMany(corpusId: number, pairs: readonly SentencePairInput[]): Promise<number[]> {
      if (pairs.length === 0) return [];
      return db.transaction(() =>
        db.withStatement('INSERT INTO sentence_pairs (corpus_id, text_a, text_b, source, gold_score, created_at) VALUES (?, ?, ?, ?, ?, ?)', async (insert) => {
          const at = now();
          const ids: number[] = [];
          for (const p of pairs) {
            ids.push((await insert.run([corpusId, p.textA, p.textB, p.source, p.goldScore ?? null, at])).lastID);
          }
          return ids;
        }),
      );
    },

    /** Pairs of a corpus in insertion order, optionally of one source, paged. */
    async listByCorpus(corpusId: number, opts: { source?: PairSource; limit?: number; offset?: number } = {}): Promise<SentencePair[]> {
      const params: unknown[] = [corpusId];
      let where = 'corpus_id = ?';
      if (opts.source) {
        where += ' AND source = ?';
        params.push(opts.source);
      }
      const rows = await db.all<PairRow>(
        `SELECT id, corpus_id, text_a, text_b, source, gold_score, created_at FROM sentence_pairs
          WHERE ${where} ORDER BY id${page(opts, params)}`,
        params,
      );
      return rows.map(toPair);
    },

    /** Number of pairs of a corpus, optionally of one source. */
    async count(corpusId: number, source?: PairSource): Promise<number> {
      const row = await db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM sentence_pairs WHERE corpus_id = ?${source ? ' AND source = ?' : ''}`,
        source ? [corpusId, source] : [corpusId],
      );
      return row!.n;
    },

    /** Deletes the pairs of a corpus (of one source if given), e.g. before mining again. */
    async removeByCorpus(corpusId: number, source?: PairSource): Promise<number> {
      const result = await db.run(`DELETE FROM sentence_pairs WHERE corpus_id = ?${source ? ' AND source = ?' : ''}`, source ? [corpusId, source] : [corpusId]);
      return result.changes;
    },
  };
}

export function labelledPairsRepository({ db, now }: RepoContext) {
  const insertSql = 'INSERT INTO labelled_pairs (text_a, text_b, label, scale, corpus_id, created_at) VALUES (?, ?, ?, ?, ?, ?)';
  const params = (p: LabelledPairInput, at: number) => [p.textA, p.textB, p.label, p.scale, p.corpusId ?? null, at];
  return {
    /** Adds one labelled pair (`binary`: label 0 or 1; `0-5`: 0 to 5, else SQLITE_CONSTRAINT). */
    async add(input: LabelledPairInput): Promise<LabelledPair> {
      const row = await db.get<LabelRow>(`${insertSql} RETURNING *`, params(input, now()));
      return toLabelled(row!);
    },

    /** Adds many labelled pairs in one transaction; returns their ids. */
    async addMany(inputs: readonly LabelledPairInput[]): Promise<number[]> {
      if (inputs.length === 0) return [];
      return db.transaction(() =>
        db.withStatement(insertSql, async (insert) => {
          const at = now();
          const ids: number[] = [];
          for (const p of inputs) ids.push((await insert.run(params(p, at))).lastID);
          return ids;
        }),
      );
    },

    /** Labelled pairs in insertion order, optionally of one corpus or scale. */
    async list(opts: { corpusId?: number; scale?: LabelScale } = {}): Promise<LabelledPair[]> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (opts.corpusId != null) {
        where.push('corpus_id = ?');
        args.push(opts.corpusId);
      }
      if (opts.scale) {
        where.push('scale = ?');
        args.push(opts.scale);
      }
      const rows = await db.all<LabelRow>(`SELECT * FROM labelled_pairs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`, args);
      return rows.map(toLabelled);
    },

    /** Deletes one labelled pair. */
    async remove(id: number): Promise<boolean> {
      return (await db.run('DELETE FROM labelled_pairs WHERE id = ?', [id])).changes > 0;
    },
  };
}

export type SentencePairsRepository = ReturnType<typeof sentencePairsRepository>;
export type LabelledPairsRepository = ReturnType<typeof labelledPairsRepository>;
