/**
 * The scan's bulk queries now live in the store (src/engine/store/repositories/scanData.ts);
 * re-exported here for the modules that import them from dedup.
 */
export {
  deleteScanClusters,
  documentLocations,
  documentTextStart,
  passageMetaForDocuments,
  passageTextsById,
  passageTextsByHash,
  type DocumentLocation,
  type PassageMeta,
} from '../store/repositories/scanData';
