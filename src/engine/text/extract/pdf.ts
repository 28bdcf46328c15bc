import { createRequire } from 'node:module';
import path from 'node:path';

export interface PdfText {
  text: string;
  pages: number;
  truncated: boolean;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsPromise: Promise<{ pdfjs: PdfJs; assetsDir: string }> | null = null;

/**
 * pdf.js is loaded on first use (about 100 ms). Its legacy build runs in Node without a DOM; it
 * needs DOMMatrix at import time, which it takes from the optional @napi-rs/canvas package. If
 * that native package is absent (another platform, optional deps omitted) a minimal stand-in is
 * installed: text extraction only uses a few of its methods.
 */
function loadPdfJs(): Promise<{ pdfjs: PdfJs; assetsDir: string }> {
  pdfjsPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    if (!('DOMMatrix' in globalThis)) {
      try {
        require.resolve('@napi-rs/canvas');
      } catch {
        installMinimalDomMatrix();
      }
    }
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const assetsDir = path.dirname(require.resolve('pdfjs-dist/package.json'));
    return { pdfjs, assetsDir };
  })();
  return pdfjsPromise;
}

function installMinimalDomMatrix(): void {
  class MinimalDOMMatrix {
    a = 1;
    b = 0;
    c = 0;
    d = 1;
    e = 0;
    f = 0;
    constructor(init?: number[]) {
      if (Array.isArray(init) && init.length === 6) [this.a, this.b, this.c, this.d, this.e, this.f] = init;
    }
    translateSelf(tx: number, ty = 0) {
      this.e += this.a * tx + this.c * ty;
      this.f += this.b * tx + this.d * ty;
      return this;
    }
    scaleSelf(sx: number, sy = sx) {
      this.a *= sx;
      this.b *= sx;
      this.c *= sy;
      this.d *= sy;
      return this;
    }
  }
  (globalThis as unknown as { DOMMatrix: unknown }).DOMMatrix = MinimalDOMMatrix;
}

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
  transform?: number[];
  height?: number;
}

/**
 * Text of a PDF, page by page (pages separated by a blank line). Lines come from pdf.js's
 * end-of-line marks; a vertical gap clearly larger than the line height starts a new paragraph.
 * Stops after `maxChars` characters. Throws with a readable message on encrypted or broken files.
 */
export async function pdfToText(data: Uint8Array, opts: { maxChars: number; signal?: AbortSignal }): Promise<PdfText> {
  const { pdfjs, assetsDir } = await loadPdfJs();
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (detaches) the buffer it is given.
    data: new Uint8Array(data),
    cMapUrl: assetsDir + '/cmaps/',
    cMapPacked: true,
    standardFontDataUrl: assetsDir + '/standard_fonts/',
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0, // errors only: pdf.js warns loudly about harmless quirks
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw new Error(describePdfError(err));
  }
  try {
    const pages: string[] = [];
    let chars = 0;
    let truncated = false;
    for (let p = 1; p <= doc.numPages; p++) {
      opts.signal?.throwIfAborted();
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      page.cleanup();
      const pageText = itemsToText(content.items as TextItemLike[]);
      if (pageText) {
        pages.push(pageText);
        chars += pageText.length + 2;
      }
      if (chars > opts.maxChars) {
        truncated = p < doc.numPages || chars - 2 > opts.maxChars;
        break;
      }
    }
    return { text: pages.join('\n\n'), pages: doc.numPages, truncated };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

function itemsToText(items: TextItemLike[]): string {
  let s = '';
  let lineY: number | null = null;
  let lineHeight = 0;
  let newLine = true;
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    const y = item.transform ? item.transform[5] : null;
    const h = item.height ?? 0;
    if (newLine && s && lineY !== null && y !== null && lineHeight > 0) {
      // A gap of more than ~1.8 line heights between baselines means an empty line: new paragraph.
      if (Math.abs(lineY - y) > 1.8 * lineHeight && !s.endsWith('\n\n')) s += '\n';
    }
    if (item.str) {
      s += item.str;
      if (y !== null) lineY = y;
      if (h > 0) lineHeight = h;
    }
    newLine = !!item.hasEOL;
    if (item.hasEOL) s += '\n';
  }
  return s
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function describePdfError(err: unknown): string {
  const name = (err as { name?: string })?.name;
  const message = (err as { message?: string })?.message ?? String(err);
  if (name === 'PasswordException') return 'PDF is password-protected';
  if (name === 'InvalidPDFException') return `not a valid PDF (${message})`;
  return `could not read PDF (${message})`;
}
