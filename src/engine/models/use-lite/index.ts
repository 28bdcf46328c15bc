export { defaultUseLiteDir, readUseLiteArtifacts, readUseLiteGraphWeights, useLiteVocabPath } from './artifacts';
export { USE_LITE, GRAPH_SOURCES, baseParamShapes } from './params';
export {
  UseLiteCore,
  loadUseLiteBaseParams,
  packBatch,
  l2Normalize,
  type TokenBatch,
  type EncodedInput,
  type UseLiteBaseParams,
  type CoreForwardOptions,
} from './core';
export { UseLiteBiEncoder, loadUseLiteBiEncoder, loadUseLiteTokenizer, type UseLiteLoadOptions, type TokenStates } from './biEncoder';
export { UseLiteCrossEncoder, loadUseLiteCrossEncoder, type UseLiteCrossEncoderOptions } from './crossEncoder';
