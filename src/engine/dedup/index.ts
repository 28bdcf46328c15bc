/** Deduplication of text folders: exact, near (MinHash) and semantic layers, clustering, safe actions, reports. */
export * from './thresholds';
export * from './types';
export { groupByHash, exactMatchesFromGroups, findExactDuplicates } from './exactLayer';
export { tokenize, shingleHashes, hashString32, fmix32 } from './shingles';
export {
  MinHasher,
  SignaturePool,
  chooseLshParams,
  lshCandidateProbability,
  estimateJaccard,
  exactJaccard,
  isEmptySignature,
  findNearDuplicatePairs,
  minhashSettingsKey,
  type MinHashOptions,
  type LshParams,
  type NearPair,
  type NearDuplicateOptions,
} from './minhash';
export { toMatrix, VectorPool, normalizeInPlace, type VectorMatrix } from './vectors';
export { exactKnn, exactThresholdPairs, type SemanticPair, type KnnResult } from './exactSearch';
export { annThresholdPairs, loadAnnLibrary, type AnnOptions } from './annSearch';
export { findSemanticCandidates, searchSemanticPairs, type SemanticSearchOptions, type SemanticSearchResult } from './semantic';
export {
  splitByBand,
  splitAt,
  rescoreBorderline,
  judgeBorderline,
  candidateFloor,
  type BandSplit,
  type RescoreOptions,
  type RescoreResult,
} from './crossRescore';
export { UnionFind } from './unionFind';
export { clusterMatches, isBetterMatch, type MatchCluster, type ClusterMemberInfo } from './clustering';
export { suggestKeep, compareForKeep, type KeepCandidate } from './keepRule';
export { groupAroundKeepers, flipDetail, type EvidencedMatch, type MatchDetail, type KeeperGroup, type GroupMember } from './keeperGroups';
export { passageCoverage, numbersAgree, numbersOf, type Coverage, type PassageSide } from './passageEvidence';
export { failStaleScans, isStaleScan, processAlive, INTERRUPTED_MESSAGE, STALE_AFTER_MS } from './staleScans';
export {
  runDedupScan,
  resolveScanSettings,
  DedupScanCancelledError,
  type DedupScanOptions,
  type DedupScanResult,
  type DedupScanStats,
  type DedupScanSettings,
  type DedupProgress,
  type DedupStage,
  type ReadDocumentFn,
} from './scan';
export {
  quarantineFiles,
  undoBatch,
  moveFile,
  rootFolderNames,
  QuarantineUnavailableError,
  MoveRefusedError,
  CONFIDENT_LAYERS,
  type QuarantineOptions,
  type QuarantineResult,
  type UndoOptions,
  type UndoResult,
  type RefusalCode,
  type FileMoveOutcome,
  type FileOps,
} from './actions';
export {
  loadScanReport,
  renderScanReport,
  reportToJson,
  reportToCsv,
  reportToHtml,
  escapeHtml,
  csvField,
  CSV_COLUMNS,
  evidenceSummary,
  type ScanReport,
  type ReportEvidence,
  type ClusterConfidence,
  type ReportFormat,
  type ReportCluster,
  type ReportMember,
} from './report';
// Duplicates review (issue 13).
export { planQuarantine, type MovePlanResult } from './movePlan';
export { isInsideFolder, preferReference, referenceFolderOf, referenceFolders, referenceRefusals } from './referenceFolders';
export { IgnoredPairs, dismissalPairs, ignoredPairsAmong, withoutDismissed } from './ignoreList';
export { calibrateThreshold, calibrateThresholdDetailed, type ThresholdCalibration } from './calibrate';
export {
  JudgeFeaturizer,
  JUDGE_FEATURE_NAMES,
  JUDGE_FEATURES,
  pairJudgeFrom,
  checkJudgeWeights,
  judgeProbabilities,
  type PairJudge,
  type PairJudgeWeights,
} from './pairJudge';
export { loadBuiltinPairJudge, builtinJudgeWeights } from './builtinPairJudge';
export { gloveCandidateStage, DEFAULT_CANDIDATE_FLOOR } from './cheapVectors';
export type { CandidateStage, CheapEmbedFn } from './scan/candidates';
