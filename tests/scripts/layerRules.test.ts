/**
 * The layer rules hold: eslint's import restrictions refuse an import across a layer (probes
 * linted as if they were files of each folder), and SQL stays in src/engine/store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message.split("'")[1]!);
}

describe('import rules per layer (eslint.config.js)', () => {
  it('refuses imports across layers and allows the ones the architecture names', async () => {
    const cases: { file: string; refused: string[]; allowed: string[] }[] = [
      {
        file: 'src/renderer/src/lib/probe.ts',
        refused: ['node:fs', 'path', '../../../engine/api/engine', 'electron', '../../../server/server'],
        allowed: ['../../../shared/api', './format', 'svelte'],
      },
      {
        file: 'src/engine/eval/probe.ts',
        refused: ['electron', 'svelte', '../../renderer/src/lib/format', '../../main/index', '../../server/server', '../../cli/main'],
        allowed: ['node:fs', '../../shared/api', '../store', './metrics'],
      },
      { file: 'src/shared/probe.ts', refused: ['node:path', '../engine/api/engine', 'electron'], allowed: ['zod', './api'] },
      {
        file: 'src/main/probe.ts',
        refused: ['../server/server', '../server/security', '../cli/main'],
        allowed: ['electron', '../engine/api/engine', '../shared/contentSecurityPolicy'],
      },
      { file: 'src/engine/tokenize/probe.ts', refused: ['../models/hf/folder', '../train/fit', 'electron'], allowed: ['./types', '../text'] },
    ];
    for (const c of cases) {
      const code = [...c.refused, ...c.allowed].map((s, i) => `import * as m${i} from '${s}';`).join('\n') + '\nexport {};\n';
      expect({ file: c.file, refused: await restrictedImports(c.file, code) }).toEqual({ file: c.file, refused: c.refused });
    }
  }, 60_000);
});

/** Folders whose SQL is still being moved into src/engine/store (issue 12: dedup's SQL, moved on another branch). */
const SQL_PENDING_MOVE: string[] = [];
const SQL_STATEMENT =
  /[`'"]\s*(SELECT\s[\s\S]{0,200}?\sFROM\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX)\s|DROP\s+(TABLE|INDEX)\s|PRAGMA\s)/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(rel);
    return /\.(ts|mts|svelte|mjs)$/.test(e.name) ? [rel] : [];
  });
}

describe('SQL only in src/engine/store', () => {
  it('finds the statements of the store (the check sees SQL where it is)', () => {
    const inStore = sourceFiles('src/engine/store').filter((f) => SQL_STATEMENT.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(inStore.length).toBeGreaterThan(5);
  });

  it('has no SQL statement in any other source file', () => {
    const offenders = sourceFiles('src')
      .filter((f) => !f.startsWith('src/engine/store/') && !SQL_PENDING_MOVE.some((p) => f.startsWith(p)))
      .filter((f) => SQL_STATEMENT.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
