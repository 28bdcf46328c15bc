/**
 * The common tokenizer contract shared by the SentencePiece (USE lite), WordPiece and BPE
 * tokenizers. Kept deliberately small: models only need ids and a truncation flag.
 */

export interface EncodeOptions {
  /** Longest sequence to return (special tokens included, where a tokenizer adds any). */
  maxLength: number;
}

export interface Encoded {
  ids: number[];
  /** True when tokens were dropped to fit maxLength. */
  truncated: boolean;
}

export interface EncodedPair extends Encoded {
  /** Segment ids (token_type_ids): 0 for the first text, 1 for the second. */
  typeIds: number[];
}

export interface Tokenizer {
  encode(text: string, opts: EncodeOptions): Encoded;
  /** A cross-encoder input holding both texts; optional because not every model needs it. */
  encodePair?(a: string, b: string, opts: EncodeOptions): EncodedPair;
}
