/**
 * How much one call may carry. The local server refuses a request body over
 * MAX_REQUEST_BODY_BYTES; the user interface checks a pairs file against MAX_PAIRS_CONTENT_BYTES
 * (the same budget less room for the rest of the call) before sending it, so a person learns
 * what to do instead of meeting the server's refusal, and the API schema takes the same limit
 * from every front end (the Electron window has no body limit of its own).
 */

/** The most a call to the local server may carry: the bytes of its JSON body. */
export const MAX_REQUEST_BODY_BYTES = 1 << 20;

/** Room kept in a call for everything but the file's text (model ids, settings, JSON punctuation). */
const CALL_ENVELOPE_BYTES = 16 * 1024;

/** The most the text of a pairs file sent from the user interface may weigh, as it travels (see `jsonBytes`). */
export const MAX_PAIRS_CONTENT_BYTES = MAX_REQUEST_BODY_BYTES - CALL_ENVELOPE_BYTES;

/** Bytes a text takes inside a JSON body (UTF-8, with its quotes and escapes). */
export function jsonBytes(text: string): number {
  let n = 0;
  // JSON.stringify escapes lone surrogates, so every code point here is whole.
  for (const ch of JSON.stringify(text)) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Whether a pairs file's text fits in one call. */
export function pairsContentFits(text: string): boolean {
  // Cheap bounds first: every character takes at least one byte and at most six (a \uXXXX escape).
  if (text.length + 2 > MAX_PAIRS_CONTENT_BYTES) return false;
  if (6 * text.length + 2 <= MAX_PAIRS_CONTENT_BYTES) return true;
  return jsonBytes(text) <= MAX_PAIRS_CONTENT_BYTES;
}
