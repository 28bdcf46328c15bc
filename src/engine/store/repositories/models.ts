/** Models on disk (base, bi-encoder, cross-encoder) and their lineage. */
import type { Model, ModelInput, ModelKind } from '../types';
import { fromJson, iso, type RepoContext } from './common';

interface ModelRow {
  id: number;
  name: string;
  kind: ModelKind;
  architecture: string;
  rel_dir: string;
  parent_id: number | null;
  run_id: number | null;
  cycle: number | null;
  config_json: string;
  created_at: number;
}

const COLUMNS = 'id, name, kind, architecture, rel_dir, parent_id, run_id, cycle, config_json, created_at';

function toModel(r: ModelRow): Model {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    architecture: r.architecture,
    relDir: r.rel_dir,
    parentId: r.parent_id,
    runId: r.run_id,
    cycle: r.cycle,
    config: fromJson(r.config_json),
    createdAt: iso(r.created_at),
  };
}

export function modelsRepository({ db, now }: RepoContext) {
  return {
    /** Registers a model; relDir must be unique, parentId/runId must exist. */
    async create(input: ModelInput): Promise<Model> {
      const row = await db.get<ModelRow>(
        `INSERT INTO models (name, kind, architecture, rel_dir, parent_id, run_id, cycle, config_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
        [
          input.name,
          input.kind,
          input.architecture,
          input.relDir,
          input.parentId ?? null,
          input.runId ?? null,
          input.cycle ?? null,
          JSON.stringify(input.config ?? {}),
          now(),
        ],
      );
      return toModel(row!);
    },

    /** The model with this id, or undefined. */
    async get(id: number): Promise<Model | undefined> {
      const row = await db.get<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE id = ?`, [id]);
      return row && toModel(row);
    },

    /** The model stored in this folder (relative to the data folder), or undefined. */
    async getByDir(relDir: string): Promise<Model | undefined> {
      const row = await db.get<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE rel_dir = ?`, [relDir]);
      return row && toModel(row);
    },

    /** Models, oldest first, optionally of one kind or one training run. */
    async list(opts: { kind?: ModelKind; runId?: number } = {}): Promise<Model[]> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (opts.kind) {
        where.push('kind = ?');
        args.push(opts.kind);
      }
      if (opts.runId != null) {
        where.push('run_id = ?');
        args.push(opts.runId);
      }
      const rows = await db.all<ModelRow>(`SELECT ${COLUMNS} FROM models${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`, args);
      return rows.map(toModel);
    },

    /** The model followed by its parent, grandparent, ... up to the base model. */
    async lineage(id: number): Promise<Model[]> {
      // The depth bound guards against a cycle, which the schema cannot rule out.
      const rows = await db.all<ModelRow>(
        `WITH RECURSIVE chain(id, depth) AS (
           SELECT id, 0 FROM models WHERE id = ?
           UNION ALL
           SELECT m.parent_id, c.depth + 1 FROM chain c JOIN models m ON m.id = c.id
            WHERE m.parent_id IS NOT NULL AND c.depth < 1000
         )
         SELECT ${COLUMNS.split(', ')
           .map((c) => `m.${c}`)
           .join(', ')}
           FROM chain c JOIN models m ON m.id = c.id ORDER BY c.depth`,
        [id],
      );
      return rows.map(toModel);
    },

    /** Models derived directly from this one. */
    async children(id: number): Promise<Model[]> {
      const rows = await db.all<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE parent_id = ? ORDER BY id`, [id]);
      return rows.map(toModel);
    },

    /** Renames a model (names need not be unique); false when there is no such model. */
    async rename(id: number, name: string): Promise<boolean> {
      return (await db.run('UPDATE models SET name = ? WHERE id = ?', [name, id])).changes > 0;
    },

    /** Deletes a model record (its evaluations and cached embeddings go too; children are unlinked). */
    async remove(id: number): Promise<boolean> {
      return (await db.run('DELETE FROM models WHERE id = ?', [id])).changes > 0;
    },
  };
}

export type ModelsRepository = ReturnType<typeof modelsRepository>;
