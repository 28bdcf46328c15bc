/** Import of standard Hugging Face BERT / RoBERTa checkpoints as TF.js encoders. */
export { inspectModelFolder, type ModelFolderInspection, type ModelFolderSummary } from './folder';
export { loadHfEncoder, HfEncoder, HfModelFolderError, batchTensors, type TokenBatch, type LoadOptions } from './hfEncoder';
export { SUPPORTED_MODEL_TYPES, type HfEncoderConfig, type HfModelType } from './config';
export { POOLING_MODES, type PoolingMode } from './sentenceTransformers';
export { poolTokens, l2Normalize } from './pooling';
export { readSafetensorsHeader, readTensorAsFloat32, writeSafetensors, decodeFloats, SafetensorsError } from './safetensors';
export type { EncoderInputs, EncoderForwardOptions } from './transformer';
export { HfTokenizer } from '../../tokenize/pipeline';
export { loadTokenizerFromFolder, TokenizerFilesError } from '../../tokenize/fromFolder';
export { loadHfCrossEncoder, HfCrossEncoder, type HfCrossEncoderOptions } from './crossEncoder';
