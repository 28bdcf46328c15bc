export { GLOVE_PACKAGE, GLOVE_FOLDER_NAME, GloveUnavailableError, gloveDirOf, defaultGloveDir, useGloveDataDir, glovePackageJson } from './location';
export { convertGloveJson, type ConvertProgress, type GloveMeta } from './convert';
export {
  loadGloveVectors,
  ensureGloveConverted,
  onGloveConversionProgress,
  readGloveMeta,
  resolveGloveDir,
  unloadGloveVectors,
  gloveVectorsLoaded,
  type GloveVectors,
  type LoadGloveOptions,
} from './vectors';
export { gloveTokenIds, gloveSurfaceTokens } from './tokenize';
export { GloveSif, SIF_A, sifWeights, firstPrincipalComponent, vocabularyComponent, type SifEmbedOptions } from './sif';

import { GloveSif } from './sif';
import { loadGloveVectors, type LoadGloveOptions } from './vectors';

/** Loads the vectors (converting them once if needed) and returns the SIF scorer. */
export function loadGlove(options: LoadGloveOptions = {}): GloveSif {
  return new GloveSif(loadGloveVectors(options));
}
export { GloveBiEncoder, loadGloveBiEncoder, packWords, GLOVE_ARCHITECTURE, GLOVE_PARAM_SCALE, type GloveBiEncoderOptions } from './biEncoder';
export { GloveCrossEncoder, loadGloveCrossEncoder, type GloveCrossEncoderOptions } from './crossEncoder';
export { PairFeaturizer, PAIR_FEATURE_NAMES, PAIR_FEATURES } from './pairFeatures';
