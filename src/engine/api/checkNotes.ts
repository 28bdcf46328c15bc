/**
 * What a paraphrase check says about how far to trust its own score: the languages of the texts
 * against those the deciding model was trained for, and a negation one text has and the other
 * lacks (both fool sentence encoders; see text/language.ts and text/negation.ts).
 */
import type { PairCheck } from '../../shared/api';
import type { Store } from '../store';
import { BUILTIN_MODEL_LANGUAGES, detectTextLanguage, unsupportedLanguages } from '../text/language';
import { negationMismatch } from '../text/negation';

export type PairCheckNotes = Pick<PairCheck, 'languages' | 'modelLanguages' | 'unsupportedLanguages' | 'negationMismatch'>;

/**
 * The languages a model was trained for: the built-in base's for it and every model trained
 * from it (training on a user's corpus does not teach a new language reliably); null (unknown)
 * for a user's own base and its descendants.
 */
export async function modelLanguagesOf(store: Store, modelId: number | null): Promise<string[] | null> {
  if (modelId === null) return [...BUILTIN_MODEL_LANGUAGES];
  const lineage = await store.models.lineage(modelId);
  const root = lineage.at(-1);
  return root?.relDir.startsWith('builtin:') ? [...BUILTIN_MODEL_LANGUAGES] : null;
}

export async function pairCheckNotes(store: Store, a: string, b: string, decidingModelId: number | null): Promise<PairCheckNotes> {
  return notesForPair(a, b, await modelLanguagesOf(store, decidingModelId));
}

/** The notes of one pair once the deciding model's languages are known (a bulk check looks them up once). */
export function notesForPair(a: string, b: string, modelLanguages: string[] | null): PairCheckNotes {
  return {
    languages: [detectTextLanguage(a).language, detectTextLanguage(b).language],
    modelLanguages,
    unsupportedLanguages: unsupportedLanguages([a, b], modelLanguages),
    negationMismatch: negationMismatch(a, b),
  };
}
