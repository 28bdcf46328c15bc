import { Parser } from 'htmlparser2';

// Elements whose content is never visible text.
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'canvas', 'iframe', 'object', 'head']);
// Elements that start a new paragraph in the extracted text.
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'title',
  'tr',
  'ul',
]);
const CELL = new Set(['td', 'th']);

/**
 * Visible text of an HTML document: script/style/head content dropped (the <title> is kept as
 * the first paragraph), entities decoded, whitespace collapsed as a browser would, block
 * elements separated by blank lines, <br> as a line break, <pre> kept verbatim.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let skipDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  // Pending separator between the last text and the next one: '' | ' ' | '\n' | '\n\n'.
  let pending = '';
  let atStart = true;

  const strongerSep = (a: string, b: string) => (b.length > a.length || (b === '\n' && a === ' ') ? b : a);
  const emit = (s: string) => {
    if (!s) return;
    if (!atStart && pending) out.push(pending);
    pending = '';
    atStart = false;
    out.push(s);
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        if (SKIPPED.has(name)) skipDepth++;
        if (name === 'pre') preDepth++;
        if (BLOCK.has(name)) pending = strongerSep(pending, '\n\n');
        else if (name === 'br') pending = pending === '\n' ? '\n\n' : strongerSep(pending, '\n');
        else if (CELL.has(name)) pending = strongerSep(pending, ' ');
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (SKIPPED.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        if (BLOCK.has(name)) pending = strongerSep(pending, '\n\n');
      },
      ontext(data) {
        // The title lives in <head>, which is otherwise skipped.
        if (skipDepth > (inTitle ? 1 : 0)) return;
        if (preDepth > 0) {
          emit(data);
          return;
        }
        const leading = /^\s/.test(data);
        const trailing = /\s$/.test(data);
        const collapsed = data.replace(/\s+/g, ' ').trim();
        if (!collapsed) {
          if (data.length > 0) pending = strongerSep(pending, ' ');
          return;
        }
        if (leading) pending = strongerSep(pending, ' ');
        emit(collapsed);
        if (trailing) pending = ' ';
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Charset declared by <meta charset> or <meta http-equiv content="...charset=...">, read as ASCII. */
export function declaredHtmlCharset(head: Uint8Array): string | null {
  const s = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 4096)).toString('latin1');
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i.exec(s);
  return m ? m[1] : null;
}
