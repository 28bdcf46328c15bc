export { walkFolder, describeFsError, type WalkedFile, type SkippedEntry } from './walkFolder';
export {
  readDocument,
  DEFAULT_MAX_TEXT_BYTES,
  DEFAULT_MAX_DOCUMENT_BYTES,
  DEFAULT_MAX_CHARS,
  type ReadDocumentOptions,
  type ReadDocumentResult,
  type DocumentText,
  type DocumentSkipped,
} from './readDocument';
export { formatFromPath, type DocumentFormat } from './formats';
export { detectEncoding, decodeText, type DetectedEncoding, type DecodedText } from './encoding';
export { splitSentences, splitPassages, type TextSpan, type SplitSentencesOptions, type SplitPassagesOptions } from './segment';
export { normalizeForHash, contentHash } from './normalize';
export {
  readPairsTsv,
  readPairsFile,
  parsePairs,
  parsePairsTsv,
  describeProblems,
  PairsTsvError,
  type TextPair,
  type ReadPairsOptions,
  type ParsedPairs,
  type PairsProblem,
} from './pairsTsv';
export { htmlToText } from './extract/html';
export { markdownToText } from './extract/markdown';
