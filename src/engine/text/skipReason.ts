/**
 * Why a file was skipped, as a stable code with its values, next to the English reason the
 * reader wrote (which the CLI prints and the store keeps). An app words the code in its own
 * language; an unknown reason is `other` and keeps its English text as the only detail.
 *
 * The reasons are made by readDocument, walkFolder (describeFsError) and the corpus ingest
 * (no text / no words); tests/engine/text/skipReason.test.ts reads real files of each kind and
 * checks that every reason they produce has its code here.
 */
import type { SkipCode, SkipReasonCode } from '../../shared/shellApi';

export type { SkipCode, SkipReasonCode } from '../../shared/shellApi';

const RULES: [RegExp, SkipCode, ((m: RegExpExecArray) => Record<string, string | undefined>)?][] = [
  [/^binary file \((\.[^)]*|unknown)\)$/, 'binary', (m) => ({ ext: m[1] === 'unknown' ? undefined : m[1] })],
  [/^binary file \(not text in any known encoding\)$/, 'binary'],
  [/^binary file \((.+)\)$/, 'binary', (m) => ({ kind: m[1]! })],
  [/^binary file$/, 'binary'],
  [/^symbolic link/, 'link'],
  [/^too many levels of symbolic links/, 'link'],
  [/^is a folder/, 'folder'],
  [/^not a regular file(?: \((.+)\))?/, 'special', (m) => ({ kind: m[1] })],
  [/^empty file/, 'empty'],
  [/^too large \((\d+(?:\.\d+)?) MB > (\d+(?:\.\d+)?) MB limit\)/, 'tooLarge', (m) => ({ mb: m[1]!, limitMb: m[2]! })],
  [/^too large/, 'tooLarge'],
  [/changed while it was being read/, 'changed'],
  [/^file no longer exists|^file was deleted|^file disappeared/, 'gone'],
  [/^permission denied/, 'permission'],
  [/cannot be read(?: \(([A-Z0-9_]+)\))?$/, 'unreadable', (m) => ({ errno: m[1] })],
  [/^PDF is password-protected/, 'pdfLocked'],
  [/^not a valid PDF|^could not read PDF/, 'pdf'],
  [/^not a valid \.docx|^not a Word document|^could not read \.docx/, 'docx'],
  [/^unknown encoding "([^"]*)"/, 'encoding', (m) => ({ name: m[1]! })],
  [/^no text content \(a scanned PDF/, 'scannedPdf'],
  [/^no text content|^no text in the file/, 'noText'],
  [/^no words in the file/, 'noWords'],
  [/^no line is valid JSON/, 'json'],
];

/** The code of a skip reason (from readDocument, walkFolder or the ingest), with its values. */
export function skipReasonCode(reason: string | null | undefined): SkipReasonCode {
  const r = reason ?? '';
  for (const [re, code, params] of RULES) {
    const m = re.exec(r);
    if (m) {
      const p = Object.fromEntries(Object.entries(params?.(m) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
      return Object.keys(p).length ? { code, params: p } : { code };
    }
  }
  return { code: 'other' };
}
