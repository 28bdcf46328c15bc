import { flattenBlankLines } from './table';

export interface JsonText {
  text: string;
  records: number;
  warnings: string[];
}

/**
 * All string values (not keys) of a JSON value, in document order, trimmed, empty ones dropped.
 * Iterative, so deeply nested documents cannot overflow the stack.
 */
export function jsonStrings(value: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      const s = v.trim();
      if (s) out.push(s);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (v && typeof v === 'object') {
      const vals = Object.values(v as Record<string, unknown>);
      for (let i = vals.length - 1; i >= 0; i--) stack.push(vals[i]);
    }
  }
  return out;
}

/** One record's strings as one paragraph: values on separate lines, no blank lines inside. */
function recordParagraph(value: unknown): string {
  return jsonStrings(value).map(flattenBlankLines).join('\n');
}

/**
 * Text of a .json file. A top-level array is a list of records: each element becomes one
 * paragraph. Any other value: each string value becomes its own paragraph.
 * Throws on invalid JSON.
 */
export function jsonToText(content: string): JsonText {
  const value: unknown = JSON.parse(content.replace(/^\uFEFF/, ''));
  if (Array.isArray(value)) {
    const paragraphs = value.map(recordParagraph).filter((p) => p.length > 0);
    return { text: paragraphs.join('\n\n'), records: value.length, warnings: [] };
  }
  const strings = jsonStrings(value);
  return { text: strings.join('\n\n'), records: 1, warnings: [] };
}

/**
 * Text of a JSON Lines file: one paragraph per record (line). Lines that are not valid JSON
 * are skipped with a warning naming the first few line numbers; if no line parses, throws.
 */
export function jsonlToText(content: string): JsonText {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const paragraphs: string[] = [];
  const badLines: number[] = [];
  let records = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      badLines.push(i + 1);
      continue;
    }
    records++;
    const p = recordParagraph(value);
    if (p) paragraphs.push(p);
  }
  if (records === 0 && badLines.length > 0) {
    throw new Error(`no line is valid JSON (first bad line: ${badLines[0]})`);
  }
  const warnings =
    badLines.length > 0
      ? [`${badLines.length} line(s) are not valid JSON and were skipped (line ${badLines.slice(0, 5).join(', ')}${badLines.length > 5 ? ', …' : ''})`]
      : [];
  return { text: paragraphs.join('\n\n'), records, warnings };
}
