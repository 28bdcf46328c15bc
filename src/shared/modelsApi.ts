/**
 * The model library, evaluation history, comparison, suggested pairs to label, pairs files read
 * from their contents, and the words that drive a check's score: types and input schemas of
 * these API methods. `methods` in api.ts spreads `modelsMethods` in, so they are validated like
 * every other call.
 */
import { z } from 'zod';
import type { EvalResult, MethodDef, ModelSummary } from './api';
import { MAX_PAIRS_CONTENT_BYTES, pairsContentFits } from './limits';

function method<O>() {
  return <I extends z.ZodType>(summary: string, input: I): MethodDef<I, O> => ({ input, summary });
}

const Id = z.number().int().positive();
const FsPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');
/** The contents of a pairs file sent by the user interface: at most one call's worth (limits.ts, shared with the server). */
const PairsContent = z.string().min(1).refine(pairsContentFits, `the file is over ${MAX_PAIRS_CONTENT_BYTES} bytes: split it into smaller files`);

/** One stored evaluation of a model. */
export interface EvaluationSummary {
  id: number;
  modelId: number;
  dataset: string;
  metric: string;
  value: number | null;
  n: number;
  at: string;
}

/** What else refers to a model (shown before it is deleted). */
export interface ModelDependents {
  /** Models made from it (their parent). They keep working: a trained model folder holds its own copy of its base. */
  children: ModelSummary[];
  /** Runs that started from it (a base) or that chose or handed back it. */
  runs: number[];
  /** A run is training now with it: it cannot be deleted until that ends. */
  inUse: boolean;
}

export interface ModelDetails {
  model: ModelSummary;
  /** The model, its parent, grandparent ... up to its base. */
  lineage: ModelSummary[];
  evaluations: EvaluationSummary[];
  dependents: ModelDependents;
  /** Whether it can be deleted (never the built-in ones) and exported in each format. */
  builtin: boolean;
  canExport: { project: boolean; onnx: boolean };
  /** Where its files are: a folder in the data folder, or the folder it was imported from. */
  location: string | null;
}

export interface ModelExportResult {
  /** The folder written. */
  path: string;
  files: string[];
  bytes: number;
}

export interface ModelRemoveResult {
  removed: boolean;
  /** The model's own folder in the data folder was deleted too (never a folder it was imported from). */
  filesRemoved: boolean;
}

/** A pair to label, chosen from a corpus so the labels cover high, middle and low scores. */
export interface SuggestedPair {
  a: string;
  b: string;
  /** The bi-encoder's cosine for it. */
  score: number;
}

export interface ParsedPairsContent {
  pairs: { a: string; b: string; score: number | null }[];
  /** Lines that were left out and why (the good ones are kept). */
  problems: { line: number; reason: string }[];
  layout: string;
}

/** Two (or one) models evaluated on the same pairs with known answers. */
export interface CompareResult {
  dataset: string;
  source: 'labels' | 'file';
  as: 'bi' | 'cross';
  n: number;
  results: EvalResult[];
  /**
   * With two models: the share of bootstrap resamples of the pairs in which the second model's
   * Spearman is higher than the first's (ties count half); 0.5 means no difference can be seen.
   */
  secondBetter: number | null;
  /** 'first' / 'second' when one wins in at least 95% of the resamples, else 'unclear'. */
  verdict: 'first' | 'second' | 'unclear' | null;
}

/** One word of a text and what it does to the score. */
export interface WordHighlight {
  /** Character offsets in the text as sent (UTF-16). */
  start: number;
  end: number;
  text: string;
  /**
   * How much the bi-encoder cosine drops when this word is left out (positive: the word holds
   * the texts together; negative: it pulls them apart). null when occlusion was not computed.
   */
  effect: number | null;
  /** The same word (case and accents aside) appears in the other text. */
  shared: boolean;
}

export interface PairHighlights {
  biScore: number;
  a: WordHighlight[];
  b: WordHighlight[];
  /** 'occlusion': each word's effect measured by leaving it out; 'overlap': too long, shared words only. */
  method: 'occlusion' | 'overlap';
}

const SourceInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('labels'), corpusId: Id.optional() }).strict(),
  z.object({ kind: z.literal('content'), name: z.string().trim().min(1).max(200), content: PairsContent }).strict(),
]);

export const modelsMethods = {
  'models.details': method<ModelDetails>()(
    'One model: its lineage, evaluations, what depends on it, and what can be done with it (null: the built-in model, listed from then on).',
    z.object({ modelId: Id.nullable() }).strict(),
  ),
  'models.evaluations': method<EvaluationSummary[]>()('Every stored evaluation of every model, oldest first (history and charts).', z.object({}).strict()),
  'models.rename': method<ModelSummary>()('Give a model another name.', z.object({ modelId: Id, name: z.string().trim().min(1).max(200) }).strict()),
  'models.remove': method<ModelRemoveResult>()(
    "Delete a model: its record, its evaluations and, for a trained model, its folder in the data folder (never the built-in models, never an imported folder's files).",
    z.object({ modelId: Id }).strict(),
  ),
  'models.export': method<ModelExportResult>()(
    "Write a model into a new folder inside a folder the user chose: the project's format (config.json + weights.safetensors + its base) or ONNX (model.onnx).",
    z.object({ modelId: Id.nullable().default(null), dir: FsPath, format: z.enum(['project', 'onnx']) }).strict(),
  ),
  'models.import': method<ModelSummary>()(
    'Add a Hugging Face model folder (BERT or RoBERTa, safetensors) from disk as a base model; a malformed folder is refused with what is wrong.',
    z.object({ dir: FsPath, name: z.string().trim().min(1).max(200).optional() }).strict(),
  ),
  'eval.compare': method<{ jobId: string }>()(
    'Evaluate one or two models on the same pairs with known answers (your labelled pairs, or a pairs file with a score column): Spearman, Pearson, ROC-AUC / best F1, and which model is better; stored with each model.',
    z
      .object({
        source: SourceInput,
        modelIds: z.array(Id.nullable()).min(1).max(2),
        as: z.enum(['bi', 'cross']).default('bi'),
      })
      .strict(),
  ),
  'labels.suggest': method<SuggestedPair[]>()(
    "Pairs of sentences from a corpus worth labelling: spread over the model's scores, from near-copies to unrelated, leaving out pairs already labelled.",
    z.object({ corpusId: Id, count: z.number().int().min(1).max(50).default(10), biModelId: Id.nullable().default(null) }).strict(),
  ),
  'pairs.parse': method<ParsedPairsContent>()(
    'Read the contents of a pairs file (two texts, or a score and two texts; tab or comma; with or without a header): the pairs, and the lines left out with why.',
    z.object({ content: PairsContent }).strict(),
  ),
  'check.highlights': method<PairHighlights>()(
    'The words that drive the bi-encoder score of two texts: each word left out in turn, and the words both texts share.',
    z.object({ a: z.string().min(1).max(5_000), b: z.string().min(1).max(5_000), biModelId: Id.nullable().default(null) }).strict(),
  ),
} as const;

/** The result of an eval.compare job. */
export type CompareJobResult = CompareResult;
