/**
 * The optional sentence-transformers files of a model folder: modules.json (which module
 * lives where), the Pooling module's config.json and sentence_bert_config.json.
 *
 * Pooling rule: a Pooling module's config decides; without one (a plain Hugging Face
 * checkpoint) the pooling is MEAN over the attended tokens, which is what
 * sentence-transformers itself builds around a plain checkpoint.
 */
import fs from 'node:fs';
import path from 'node:path';

/** In the order sentence-transformers concatenates them when several are on. */
export const POOLING_MODES = ['cls', 'max', 'mean', 'mean_sqrt_len'] as const;
export type PoolingMode = (typeof POOLING_MODES)[number];

export interface SentenceTransformerSetup {
  /** Folder (relative to the model folder) holding config.json, weights and tokenizer. */
  transformerPath: string;
  pooling: PoolingMode[];
  /** Where the pooling came from: "1_Pooling/config.json" or "default (mean)". */
  poolingSource: string;
  /** modules.json lists a Normalize module (embed() always L2-normalises anyway). */
  normalize: boolean;
  /** sentence_bert_config.json max_seq_length. */
  maxSeqLength: number | null;
  /** sentence_bert_config.json do_lower_case: lowercase the text before tokenizing. */
  lowercaseInput: boolean;
  files: string[];
  problems: string[];
}

const POOLING_KEYS: Record<PoolingMode, string> = {
  cls: 'pooling_mode_cls_token',
  max: 'pooling_mode_max_tokens',
  mean: 'pooling_mode_mean_tokens',
  mean_sqrt_len: 'pooling_mode_mean_sqrt_len_tokens',
};
const UNSUPPORTED_POOLING_KEYS = ['pooling_mode_weightedmean_tokens', 'pooling_mode_lasttoken'];

export function readSentenceTransformerSetup(dir: string): SentenceTransformerSetup {
  const setup: SentenceTransformerSetup = {
    transformerPath: '',
    pooling: ['mean'],
    poolingSource: 'default (mean: no sentence-transformers pooling config)',
    normalize: false,
    maxSeqLength: null,
    lowercaseInput: false,
    files: [],
    problems: [],
  };
  const problems = setup.problems;
  let poolingPath: string | null = null;

  const modules = readJsonFile(dir, 'modules.json', problems);
  if (modules !== undefined) {
    setup.files.push('modules.json');
    if (!Array.isArray(modules)) {
      problems.push('modules.json is not a list of modules');
    } else {
      for (const m of modules as Array<Record<string, unknown>>) {
        const type = typeof m?.type === 'string' ? m.type : '';
        const modPath = typeof m?.path === 'string' ? m.path : '';
        const short = type.split('.').pop() ?? type;
        if (modPath.includes('..') || path.isAbsolute(modPath)) {
          problems.push(`modules.json: module path "${modPath}" points outside the folder`);
          continue;
        }
        if (short === 'Transformer' || short === 'BERT' || short === 'RoBERTa') setup.transformerPath = modPath;
        else if (short === 'Pooling') poolingPath = modPath;
        else if (short === 'Normalize') setup.normalize = true;
        else
          problems.push(
            `modules.json: sentence-transformers module ${type || JSON.stringify(m)} (${modPath || 'no path'}) is not supported (supported: Transformer, Pooling, Normalize)`,
          );
      }
    }
  }

  if (poolingPath === null && fs.existsSync(path.join(dir, '1_Pooling', 'config.json'))) poolingPath = '1_Pooling';
  if (poolingPath !== null) {
    const rel = path.join(poolingPath, 'config.json');
    const cfg = readJsonFile(dir, rel, problems);
    if (cfg === undefined) {
      problems.push(`missing ${rel} (modules.json lists a Pooling module there)`);
    } else if (cfg && typeof cfg === 'object') {
      setup.files.push(rel);
      const c = cfg as Record<string, unknown>;
      const on = POOLING_MODES.filter((m) => c[POOLING_KEYS[m]] === true);
      const bad = UNSUPPORTED_POOLING_KEYS.filter((k) => c[k] === true);
      if (bad.length) problems.push(`${rel}: ${bad.join(', ')} is not supported (supported: ${Object.values(POOLING_KEYS).join(', ')})`);
      else if (on.length === 0) problems.push(`${rel} turns no pooling mode on`);
      else {
        setup.pooling = on;
        setup.poolingSource = rel;
      }
    }
  }

  const sbert = readJsonFile(dir, path.join(setup.transformerPath, 'sentence_bert_config.json'), problems);
  if (sbert !== undefined && sbert && typeof sbert === 'object') {
    setup.files.push(path.join(setup.transformerPath, 'sentence_bert_config.json'));
    const s = sbert as Record<string, unknown>;
    if (s.max_seq_length !== undefined && s.max_seq_length !== null) {
      if (typeof s.max_seq_length === 'number' && Number.isInteger(s.max_seq_length) && s.max_seq_length > 0) setup.maxSeqLength = s.max_seq_length;
      else problems.push(`sentence_bert_config.json max_seq_length should be a positive integer, not ${JSON.stringify(s.max_seq_length)}`);
    }
    setup.lowercaseInput = s.do_lower_case === true;
  }
  return setup;
}

/** undefined when the file does not exist; pushes a problem when it is not valid JSON. */
function readJsonFile(dir: string, rel: string, problems: string[]): unknown {
  const file = path.join(dir, rel);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${rel} is unreadable or not valid JSON: ${(e as Error).message}`);
    return null;
  }
}
