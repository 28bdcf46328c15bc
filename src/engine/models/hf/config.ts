/** config.json of a BERT / RoBERTa checkpoint, checked field by field. */

export const SUPPORTED_MODEL_TYPES = ['bert', 'roberta'] as const;
export type HfModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

export const SUPPORTED_ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'gelu_fast', 'relu', 'silu', 'swish'] as const;
export type HiddenAct = (typeof SUPPORTED_ACTIVATIONS)[number];

export interface HfEncoderConfig {
  modelType: HfModelType;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  hiddenAct: HiddenAct;
  hiddenDropout: number;
  attentionDropout: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  /**
   * First position id of a real token: 0 for BERT, padding_idx + 1 for RoBERTa (whose
   * position ids count the non-padding tokens from there).
   */
  positionOffset: number;
}

const WHY_NOT: Record<string, string> = {
  'xlm-roberta': 'XLM-RoBERTa needs a SentencePiece (Unigram) tokenizer, which is not implemented',
  camembert: 'CamemBERT needs a SentencePiece (Unigram) tokenizer, which is not implemented',
  distilbert: 'DistilBERT uses different layer names',
  mpnet: 'MPNet uses relative position attention',
};

/** Parse config.json; returns the config or the list of what is wrong with it. */
export function parseEncoderConfig(json: unknown): { config: HfEncoderConfig | null; problems: string[] } {
  const problems: string[] = [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { config: null, problems: ['config.json is not a JSON object'] };
  const c = json as Record<string, unknown>;
  const modelType = c.model_type;
  if (typeof modelType !== 'string' || !modelType) {
    return { config: null, problems: [`config.json has no model_type (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`] };
  }
  if (!(SUPPORTED_MODEL_TYPES as readonly string[]).includes(modelType)) {
    const why = WHY_NOT[modelType] ? `; ${WHY_NOT[modelType]}` : '';
    return { config: null, problems: [`unsupported model_type "${modelType}" (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})${why}`] };
  }
  const type = modelType as HfModelType;

  const int = (key: string, fallback?: number, min = 1): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      problems.push(`config.json ${key} should be an integer >= ${min}, not ${JSON.stringify(c[key])}`);
      return min;
    }
    return v;
  };
  const prob = (key: string, fallback: number): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
      problems.push(`config.json ${key} should be a number in [0, 1), not ${JSON.stringify(c[key])}`);
      return fallback;
    }
    return v;
  };

  const hiddenSize = int('hidden_size');
  const numHeads = int('num_attention_heads');
  if (hiddenSize % numHeads !== 0) problems.push(`config.json hidden_size ${hiddenSize} is not a multiple of num_attention_heads ${numHeads}`);
  const act = c.hidden_act ?? 'gelu';
  if (typeof act !== 'string' || !(SUPPORTED_ACTIVATIONS as readonly string[]).includes(act)) {
    problems.push(`config.json hidden_act ${JSON.stringify(act)} is not supported (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`);
  }
  const posType = c.position_embedding_type ?? 'absolute';
  if (posType !== 'absolute') problems.push(`config.json position_embedding_type "${String(posType)}" is not supported (only "absolute")`);
  if (c.is_decoder === true || c.add_cross_attention === true)
    problems.push('config.json describes a decoder (is_decoder / add_cross_attention); only encoders are supported');
  const eps = c.layer_norm_eps ?? 1e-12;
  if (typeof eps !== 'number' || !(eps > 0)) problems.push(`config.json layer_norm_eps should be a positive number, not ${JSON.stringify(eps)}`);
  const padTokenId = int('pad_token_id', type === 'roberta' ? 1 : 0, 0);

  const config: HfEncoderConfig = {
    modelType: type,
    vocabSize: int('vocab_size'),
    hiddenSize,
    numLayers: int('num_hidden_layers'),
    numHeads,
    intermediateSize: int('intermediate_size'),
    hiddenAct: (typeof act === 'string' ? act : 'gelu') as HiddenAct,
    hiddenDropout: prob('hidden_dropout_prob', 0.1),
    attentionDropout: prob('attention_probs_dropout_prob', 0.1),
    maxPositionEmbeddings: int('max_position_embeddings', 512),
    typeVocabSize: int('type_vocab_size', 2),
    layerNormEps: typeof eps === 'number' && eps > 0 ? eps : 1e-12,
    padTokenId,
    positionOffset: type === 'roberta' ? padTokenId + 1 : 0,
  };
  if (config.maxPositionEmbeddings - config.positionOffset < 3) {
    problems.push(
      `config.json max_position_embeddings ${config.maxPositionEmbeddings} leaves no room for a sequence (positions start at ${config.positionOffset})`,
    );
  }
  return { config: problems.length ? null : config, problems };
}

/** Longest input the position embeddings allow. */
export function positionLimit(config: HfEncoderConfig): number {
  return config.maxPositionEmbeddings - config.positionOffset;
}
