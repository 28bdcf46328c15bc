/**
 * `exportOnnx(model, file)`: the model's ONNX graph (see buildModel.ts), checked against the
 * TF.js model on probe inputs, written atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BiEncoder, CrossEncoder } from '../encoder';
import { type OnnxModelInfo, buildOnnxModel } from './buildModel';
import { openOnnxEncoder } from './onnxEncoders';

export interface ExportOnnxOptions {
  /** Compare ONNX and TF.js outputs on probe inputs before writing (default true). */
  verify?: boolean;
}

/** Writes the model as ONNX to `file` (a temporary file renamed into place). */
export async function exportOnnx(model: BiEncoder | CrossEncoder, file: string, options: ExportOnnxOptions = {}): Promise<OnnxModelInfo> {
  const { bytes, info } = buildOnnxModel(model);
  if (options.verify ?? true) {
    // openOnnxEncoder runs the probe check; the session is only needed for that.
    const encoder = await openOnnxEncoder(model, bytes, { intraOpNumThreads: 1 });
    await encoder.dispose();
  }
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.promises.writeFile(tmp, bytes);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  return info;
}
