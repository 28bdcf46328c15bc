/**
 * Issue 11: a borderline meaning match decided by the built-in pair judge is labelled as the pair
 * judge's, not as a cross-encoder's (the scan records which in each member's evidence).
 */
import { describe, expect, it } from 'vitest';
import { clusterLayerLabel, memberLayerLabel, type DedupCluster } from '../../src/renderer/src/lib/dedup';
import { evidenceWords } from '../../src/renderer/src/lib/duplicates/evidenceWords';
import { i18n } from '../../src/renderer/src/i18n/index.svelte';
import { en } from '../../src/renderer/src/i18n/en';
import { zh } from '../../src/renderer/src/i18n/zh';

type Member = DedupCluster['members'][number];
const member = (documentId: number, layer: Member['layer'], evidence: Member['evidence']): Pick<Member, 'layer' | 'evidence'> & { documentId: number } => ({
  documentId,
  layer,
  evidence,
});

describe('the cross layer says who decided it', () => {
  const judged = member(2, 'cross', { cosine: 0.86, judge: 0.74 });
  const crossEncoded = member(3, 'cross', { cross: 0.93 });
  const keeper = member(1, 'exact', null);

  it('labels a member by its own evidence', () => {
    expect(memberLayerLabel(judged)).toBe('judge');
    expect(memberLayerLabel(crossEncoded)).toBe('cross');
    expect(memberLayerLabel(member(4, 'semantic', { cosine: 0.95 }))).toBe('semantic');
    expect(memberLayerLabel(member(5, 'cross', null))).toBe('cross');
  });

  it('labels a group held by a judged member as a pair-judge group', () => {
    const c = (layer: DedupCluster['layer'], members: Array<Pick<Member, 'layer' | 'evidence'>>) =>
      ({ layer, members }) as Pick<DedupCluster, 'layer' | 'members'>;
    expect(clusterLayerLabel(c('cross', [keeper, judged]))).toBe('judge');
    expect(clusterLayerLabel(c('cross', [keeper, crossEncoded]))).toBe('cross');
    // A semantic group whose weakest member is semantic stays semantic.
    expect(clusterLayerLabel(c('semantic', [keeper, member(6, 'semantic', { cosine: 0.95 })]))).toBe('semantic');
  });

  it('words the evidence as the pair judge’s in both languages', () => {
    const before = i18n.locale;
    try {
      i18n.set('en');
      const words = evidenceWords('cross', 0.74, judged.evidence);
      expect(words).toContain('pair judge');
      expect(words).not.toContain('careful model');
      expect(evidenceWords('cross', 0.93, crossEncoded.evidence)).toContain('careful model');
      expect(en.duplicates.layers.judge.label).toMatch(/pair judge/);
      i18n.set('zh');
      expect(evidenceWords('cross', 0.74, judged.evidence)).toContain('配对判定器');
      expect(zh.duplicates.layers.judge.label).toContain('配对判定');
    } finally {
      i18n.set(before);
    }
  });
});
