/**
 * A guard run at export time: the ONNX graph must give the TF.js model's outputs on a few
 * probe inputs. The graphs mirror the TF.js forward passes by hand, so a change to a forward
 * pass that is not carried over to useLiteGraph.ts / bertGraph.ts fails loudly here instead
 * of serving different embeddings or scores.
 */
import type { BiEncoder, CrossEncoder, TextPair } from '../encoder';
import { OnnxExportError } from './buildModel';
import type { InferenceBiEncoder, InferenceCrossEncoder } from './onnxEncoders';

const PROBE_TEXTS = [
  '',
  'A man is playing a guitar.',
  'Stock markets fell sharply on Tuesday after the government announced a new policy on energy prices.',
  'Tokyo 東京 😀 café, naïve résumé!',
];
const PROBE_PAIRS: TextPair[] = [
  ['A man is playing a guitar.', 'A man plays the guitar.'],
  ['The cat sat on the mat.', 'Stock markets fell sharply.'],
  ['', 'Tokyo 東京 😀'],
  [PROBE_TEXTS[2]!, PROBE_TEXTS[2]!],
];

/** Loose on purpose: this catches a wrong graph, the tests check float-level agreement. */
export const PROBE_TOLERANCE = { cosine: 0.999, score: 1e-3 };

/** Throws OnnxExportError when the ONNX encoder and the TF.js model disagree on the probes. */
export async function checkOnnxMatchesModel(model: BiEncoder | CrossEncoder, onnx: InferenceBiEncoder | InferenceCrossEncoder): Promise<void> {
  if (model.kind === 'bi-encoder') {
    if (onnx.kind !== 'bi-encoder') throw new OnnxExportError('a bi-encoder was exported as a cross-encoder');
    const ref = await model.embed(PROBE_TEXTS);
    const got = await onnx.embed(PROBE_TEXTS);
    ref.forEach((r, i) => {
      let dot = 0;
      for (let k = 0; k < r.length; k++) dot += r[k]! * (got[i]![k] ?? 0);
      if (!(dot >= PROBE_TOLERANCE.cosine)) {
        throw new OnnxExportError(
          `the ONNX graph disagrees with the TF.js model (cosine ${dot.toFixed(5)} on ${JSON.stringify(PROBE_TEXTS[i])}); its forward pass has changed and the ONNX graph must follow`,
        );
      }
    });
    return;
  }
  if (onnx.kind !== 'cross-encoder') throw new OnnxExportError('a cross-encoder was exported as a bi-encoder');
  const ref = await model.score(PROBE_PAIRS);
  const got = await onnx.score(PROBE_PAIRS);
  ref.forEach((r, i) => {
    const diff = Math.abs(r - got[i]!);
    if (!(diff <= PROBE_TOLERANCE.score)) {
      throw new OnnxExportError(
        `the ONNX graph disagrees with the TF.js model (score ${got[i]} vs ${r} on ${JSON.stringify(PROBE_PAIRS[i])}); its forward pass has changed and the ONNX graph must follow`,
      );
    }
  });
}
