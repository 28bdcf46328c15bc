/** Stage 7: store the scan's groups (replacing what an earlier run of the same scan stored). */
import type { ClusterInput } from '../../store/types';
import { deleteScanClusters } from '../../store/repositories/scanData';
import type { ScanContext, ScanDoc } from './context';
import type { FileGroup, PassageGroup } from './group';
import type { PassageSet } from './passages';

/** Layers whose members may be ticked for moving before a person looks: same text, or nearly. */
export const PRESELECT_LAYERS: ReadonlySet<string> = new Set(['exact', 'near']);

export async function saveGroups(
  ctx: ScanContext,
  sameFile: { keep: ScanDoc; others: ScanDoc[] }[],
  files: FileGroup[],
  passageGroups: PassageGroup[],
  passages: PassageSet,
): Promise<ClusterInput[]> {
  const { store, docs } = ctx;
  const inputs: ClusterInput[] = [];
  for (const g of files) {
    const weakest = g.members.find((m) => m.layer === g.layer && m.score === g.score) ?? g.members[g.members.length - 1];
    inputs.push({
      layer: g.layer,
      score: g.score,
      keepDocumentId: docs[g.keepDoc].id,
      preselect: PRESELECT_LAYERS.has(g.layer),
      evidence: { layer: g.layer, score: g.score, weakest: weakest.evidence ?? null },
      members: [
        { documentId: docs[g.keepDoc].id, score: null, layer: null },
        ...g.members.map((m) => ({ documentId: docs[m.doc].id, score: m.score, layer: m.layer, evidence: m.evidence })),
      ],
    });
  }
  for (const g of passageGroups) {
    inputs.push({
      layer: g.layer,
      score: g.score,
      keepDocumentId: docs[g.keepDoc].id,
      preselect: false,
      evidence: { layer: g.layer, score: g.score },
      members: [
        { documentId: docs[g.keepDoc].id, passageId: passages.id[g.keepOccurrence], score: null, layer: null },
        ...g.members.map((m) => ({ documentId: docs[m.doc].id, passageId: passages.id[m.occurrence!], score: m.score, layer: m.layer })),
      ],
    });
  }
  for (const g of sameFile) {
    inputs.push({
      layer: 'same-file',
      score: 1,
      keepDocumentId: g.keep.id,
      preselect: false,
      evidence: { layer: 'same-file', device: g.keep.dev, inode: g.keep.ino },
      members: [{ documentId: g.keep.id, layer: null }, ...g.others.map((d) => ({ documentId: d.id, layer: 'same-file' as const, score: 1 }))],
    });
  }
  ctx.check();
  ctx.progress('saving', 0, inputs.length);
  await store.db.transaction(async () => {
    await deleteScanClusters(store.db, ctx.scanId);
    for (let i = 0; i < inputs.length; i += 500) await store.scans.addClusters(ctx.scanId, inputs.slice(i, i + 500));
  });
  ctx.progress('saving', inputs.length, inputs.length);
  return inputs;
}
