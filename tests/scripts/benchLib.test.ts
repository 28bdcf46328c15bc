/** The benches' shared library, and no source file naming a path of one machine. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listArg, numberArg, numberListArg } from '../../bench/lib/args';
import { intIn, pick, seededRandom } from '../../bench/lib/generators';
import { readScoreCache, writeScoreCache } from '../../bench/lib/scoreCache';
import os from 'node:os';

const root = path.resolve(import.meta.dirname, '../..');

describe('bench/lib', () => {
  it('reads numbers and lists, and names the option when a value is wrong', () => {
    expect(numberArg(undefined, 'steps', 3)).toBe(3);
    expect(numberArg('7', 'steps', 3)).toBe(7);
    expect(() => numberArg('seven', 'steps', 3)).toThrow(/--steps got "seven"/);
    expect(() => numberArg('0', 'steps', 3, (n) => n >= 1)).toThrow(/--steps/);
    expect(listArg('wasm, cpu,,', [])).toEqual(['wasm', 'cpu']);
    expect(listArg(undefined, ['a'])).toEqual(['a']);
    expect(numberListArg('32,64', 'lengths', [1])).toEqual([32, 64]);
    expect(() => numberListArg('32,x', 'lengths', [1])).toThrow(/--lengths got "x"/);
  });

  it('generates from the engine PRNG: the same seed, the same inputs', () => {
    const draw = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 50 }, () => [pick(r, ['a', 'b', 'c']), intIn(r, 3, 5)] as const);
    };
    expect(draw(4)).toEqual(draw(4));
    for (const [x, n] of draw(4)) {
      expect(['a', 'b', 'c']).toContain(x);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
    }
  });

  it("score cache: two benches writing at once keep each other's scores, and a damaged file is named", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-score-cache-'));
    try {
      const file = path.join(dir, 'results', 'teacher-scores.json');
      expect(readScoreCache(file)).toEqual({});
      // Both read the (empty) file first, as two benches started together do.
      const evalBench = readScoreCache(file);
      const trainBench = readScoreCache(file);
      evalBench.sts12 = { cos: [0.1, 0.2], align: [0.3, 0.4] };
      writeScoreCache(file, evalBench);
      // The training bench had only an empty entry for sts12 and its own sts13 scores.
      trainBench.sts12 = {};
      trainBench.sts13 = { sif: [0.5] };
      writeScoreCache(file, trainBench);
      expect(readScoreCache(file)).toEqual({ sts12: { cos: [0.1, 0.2], align: [0.3, 0.4] }, sts13: { sif: [0.5] } });
      expect(fs.readdirSync(path.dirname(file))).toEqual(['teacher-scores.json']);
      fs.writeFileSync(file, '{"sts12": ');
      expect(() => readScoreCache(file)).toThrow(/teacher-scores\.json is not valid JSON.*delete it/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('no absolute machine paths', () => {
  it('no tracked source, test, bench, script or config names a folder of one machine', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(
        (f) => f && !f.startsWith('tests/fixtures/') && !f.startsWith('resources/') && f !== 'package-lock.json' && f !== 'tests/scripts/benchLib.test.ts',
      )
      .filter((f) => /\.(ts|mts|mjs|js|cjs|svelte|json|md|html)$/.test(f) && fs.existsSync(path.join(root, f)));
    expect(files.length).toBeGreaterThan(100);
    const machinePath = /(^|[\s'"`(=])\/(work|home|root)\//;
    const offenders = files.filter((f) => machinePath.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
