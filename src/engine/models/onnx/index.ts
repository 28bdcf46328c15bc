/** ONNX export of the engine's encoders and bulk inference on onnxruntime-node (CPU). */
export { buildOnnxModel, OnnxExportError, type BuildOnnxOptions, type OnnxFamily, type OnnxModelInfo } from './buildModel';
export { quantizeKernel, quantizedDense } from './quantizedDense';
export { exportOnnx, type ExportOnnxOptions } from './exportOnnx';
export { checkOnnxMatchesModel, PROBE_TOLERANCE } from './verify';
export {
  OnnxBiEncoder,
  OnnxCrossEncoder,
  createOnnxSession,
  openOnnxEncoder,
  type FromModelOptions,
  type InferenceBiEncoder,
  type InferenceCrossEncoder,
  type OnnxSessionOptions,
} from './onnxEncoders';
export { type OnnxTextCodec, type PackedIds, codecForModel, hfCodec, useLiteCodec, packFeeds, packIds } from './textCodec';
export { OnnxWorkerPool, PoolAbortedError, defaultWorkerCount, WEIGHT_BUDGET_BYTES, type OnnxWorkerPoolOptions, type PoolFeed } from './onnxWorkerPool';
export { ParallelOnnxBiEncoder, type ParallelEmbedOptions, type ParallelFromModelOptions } from './parallelBiEncoder';
export { ParallelOnnxCrossEncoder, type ParallelScoreOptions } from './parallelCrossEncoder';
export {
  onnxSessionFor,
  parallelBiEncoderFor,
  parallelCrossEncoderFor,
  ensureOnnxExport,
  onnxExportStaleness,
  codecForModelFolder,
  ONNX_FILE,
  ONNX_META_FILE,
  ONNX_EXPORT_VERSION,
  type OnnxExportStatus,
} from './modelFolder';
export { GraphBuilder, DataType, OPSET, IR_VERSION, attr, floatTensor, int64Tensor, type TensorData, type AttrValue } from './graph';
