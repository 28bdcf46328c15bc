import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/renderer/src/i18n/en';
import { zh } from '../../src/renderer/src/i18n/zh';
import { axisLabels, decimalsFor } from '../../src/renderer/src/lib/axisFormat';

type Tree = { [k: string]: unknown };

/** Every leaf path with its kind (string, or function of n parameters). */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null) for (const [kk, vv] of leaves(v as Tree, key)) out.set(kk, vv);
    else out.set(key, typeof v === 'function' ? `function/${v.length}` : typeof v);
  }
  return out;
}

describe('message catalogue', () => {
  const enLeaves = leaves(en);
  const zhLeaves = leaves(zh);

  it('Chinese has every English key, with the same kind and parameter count, and nothing more', () => {
    expect([...zhLeaves.keys()].sort()).toEqual([...enLeaves.keys()].sort());
    for (const [k, kind] of enLeaves) expect(zhLeaves.get(k), k).toBe(kind);
  });

  it('Chinese strings are translated (only names and symbols may stay the same)', () => {
    const same: string[] = [];
    const walk = (a: Tree, b: Tree, prefix: string) => {
      for (const [k, v] of Object.entries(a)) {
        const w = b[k];
        if (typeof v === 'string' && v === w && /[a-z]{3}/i.test(v)) same.push(`${prefix}${k}`);
        if (typeof v === 'object' && v !== null) walk(v as Tree, w as Tree, `${prefix}${k}.`);
      }
    };
    walk(en, zh, '');
    expect(same).toEqual(['app.title']);
    // Functions give Chinese text too.
    expect(zh.check.tooLong('100,000')).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.home.fromRun(3, '2')).toMatch(/训练 3/);
  });

  it('Chinese strings use the full-width colon, never an ASCII one (names and paths given as values aside)', () => {
    const texts: [string, string][] = [];
    const walk = (t: Tree, prefix: string) => {
      for (const [k, v] of Object.entries(t)) {
        const key = `${prefix}${k}`;
        if (typeof v === 'string') texts.push([key, v]);
        else if (typeof v === 'function') texts.push([key, String((v as (...a: unknown[]) => unknown)('X', 'Y', 'Z', 'W'))]);
        else if (typeof v === 'object' && v !== null) walk(v as Tree, `${key}.`);
      }
    };
    walk(zh, '');
    const ascii = texts.filter(([, s]) => /[\u4e00-\u9fff]/.test(s) && /:(?!\/\/)/.test(s));
    expect(ascii).toEqual([]);
    expect(zh.format.colon).toBe('：');
  });

  it('no component of the converted views writes English words outside the catalogue', () => {
    const dir = path.resolve(import.meta.dirname, '../../src/renderer/src');
    const files = [
      'App.svelte',
      'views/HomeView.svelte',
      'views/CheckView.svelte',
      'views/TrainView.svelte',
      'views/RunsView.svelte',
      'views/DocumentsView.svelte',
      'lib/RunPanel.svelte',
      'lib/JobProgress.svelte',
      'lib/LossChart.svelte',
      // Duplicates review (issue 13).
      'views/DuplicatesView.svelte',
      'lib/QuarantineLog.svelte',
      'lib/duplicates/ClusterCard.svelte',
      'lib/duplicates/FileDialog.svelte',
      'lib/duplicates/MoveDialog.svelte',
      'lib/duplicates/ReviewLists.svelte',
      // Models area (issue 13).
      'views/ModelsView.svelte',
      'lib/models/ModelDetails.svelte',
      'lib/models/ScoreHistory.svelte',
      'lib/models/ComparePanel.svelte',
      'lib/models/LabelPanel.svelte',
      'lib/check/WordHighlights.svelte',
      'lib/check/BulkCheck.svelte',
      'lib/RunOutcome.svelte',
      'views/SettingsView.svelte',
      'lib/shell/CorpusPanel.svelte',
      'lib/shell/FolderBrowser.svelte',
      'lib/shell/FolderPicker.svelte',
      'lib/shell/GuidedTour.svelte',
      'lib/shell/TrainVerdict.svelte',
      'lib/common/FilePick.svelte',
    ];
    for (const f of files) {
      let markup = fs
        .readFileSync(path.join(dir, f), 'utf8')
        .replace(/<(script|style)[\s\S]*?<\/(script|style)>/g, '')
        .replace(/<!--[\s\S]*?-->/g, '');
      // Remove Svelte expressions, innermost first (they may nest).
      for (let prev = ''; prev !== markup;) [prev, markup] = [markup, markup.replace(/\{[^{}]*\}/g, '')];
      // Text between tags that holds a word of three letters or more.
      const text = [...markup.matchAll(/>([^<>]+)</g)].map((x) => x[1]!.replace(/&\w+;/g, '').trim()).filter((t) => /[A-Za-z]{3}/.test(t));
      expect(text, f).toEqual([]);
      // A colon written between two expressions ("{label}: {value}") is English punctuation in Chinese: format.colon.
      const colons = [...markup.matchAll(/>([^<>]*:[^<>]*)</g)].map((x) => x[1]!.trim()).filter(Boolean);
      expect(colons, f).toEqual([]);
      // Labels read out by screen readers and shown in empty fields too.
      const attrs = [...markup.matchAll(/\b(aria-label|placeholder|title|label|alt)="([^"]*)"/g)].map((x) => x[2]!).filter((t) => /[A-Za-z]{3}/.test(t));
      expect(attrs, f).toEqual([]);
    }
  });
});

describe('loss chart axis labels', () => {
  it('give each tick as many decimals as the step needs', () => {
    expect(decimalsFor(0.0001)).toBe(4);
    expect(decimalsFor(0.00025)).toBe(5);
    expect(decimalsFor(50)).toBe(0);
    // The ticks that all read "0.001" with uPlot's default formatting.
    expect(axisLabels([0.0011, 0.0012, 0.0013], 0.0001, 'en')).toEqual(['0.0011', '0.0012', '0.0013']);
    expect(new Set(axisLabels([0.0011, 0.0012, 0.0013], 0.0001, 'en')).size).toBe(3);
    expect(axisLabels([1000, 2000, null], 1000, 'en')).toEqual(['1,000', '2,000', '']);
  });
});
