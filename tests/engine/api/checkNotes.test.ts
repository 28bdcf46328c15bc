import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';

let engine: Engine;
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-checknotes-')));

beforeAll(async () => {
  engine = await Engine.open({ dataDir: path.join(dir, 'data'), transport: 'direct', allowedRoots: [] });
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('check.pair says how far to trust its score', () => {
  it('two unrelated Chinese sentences: the built-in English model is flagged as unreliable there', async () => {
    const r = await engine.invoke('check.pair', { a: '今天天气很好，我们去公园散步吧。', b: '这家公司的股票昨天大跌。' });
    expect(r.languages).toEqual(['zh', 'zh']);
    expect(r.modelLanguages).toEqual(['en']);
    expect(r.unsupportedLanguages).toEqual(['zh']);
  });

  it('an English pair carries no language warning', async () => {
    const r = await engine.invoke('check.pair', { a: 'A man is playing a guitar.', b: 'A man plays the guitar.' });
    expect(r.languages).toEqual(['en', 'en']);
    expect(r.unsupportedLanguages).toEqual([]);
    expect(r.negationMismatch).toBe(false);
  });

  it('"must be approved" / "must not be approved" scores high and is flagged as a negation mismatch', async () => {
    const r = await engine.invoke('check.pair', { a: 'The request must be approved by a manager.', b: 'The request must not be approved by a manager.' });
    expect(r.biScore).toBeGreaterThan(0.8);
    expect(r.negationMismatch).toBe(true);
  });
});

describe('check.pairs gives each pair its own notes', () => {
  it('a Chinese pair, an English pair and a negated pair in one bulk call', async () => {
    const rows = await engine.invoke('check.pairs', {
      pairs: [
        { a: '今天天气很好，我们去公园散步吧。', b: '这家公司的股票昨天大跌。' },
        { a: 'A man is playing a guitar.', b: 'A man plays the guitar.' },
        { a: 'The request must be approved by a manager.', b: 'The request must not be approved by a manager.' },
      ],
    });
    expect(rows.map((r) => r.unsupportedLanguages)).toEqual([['zh'], [], []]);
    expect(rows.map((r) => r.modelLanguages)).toEqual([['en'], ['en'], ['en']]);
    expect(rows.map((r) => r.negationMismatch)).toEqual([false, false, true]);
    expect(rows[1]!.verdict).toBe('paraphrase');
  });
});
