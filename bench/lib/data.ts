/**
 * Where the benches find the shared evaluation data: the engine's own rule ($TENC_SHARED_DATA,
 * else ../shared/data beside the checkout), never a path of one machine.
 */
import path from 'node:path';
import { findSharedDataDir, sharedDataDir } from '../../src/engine/eval/stsData';

/** The data folder, or null when it is absent (for benches with a fallback). */
export const sharedData: string | null = findSharedDataDir();

/** A file under the data folder; throws saying where it looked when the data is absent. */
export function sharedDataFile(...parts: string[]): string {
  return path.join(sharedDataDir(), ...parts);
}
