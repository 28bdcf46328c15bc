/** Builders for test documents, generated at test time (no binary fixtures in the repo). */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll } from 'vitest';

export async function makeTempDir(prefix = 'tenc-text-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/**
 * A temporary folder for one test file (made before its tests, removed after) and a writer of
 * files into it (parent folders made as needed).
 */
export function useTempFolder(): { readonly dir: string; write(name: string, content: string | Buffer): Promise<string> } {
  let dir = '';
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(async () => {
    await removeDir(dir);
  });
  return {
    get dir() {
      return dir;
    },
    async write(name, content) {
      const p = path.join(dir, name);
      await fs.mkdir(path.dirname(p), { recursive: true });
      await fs.writeFile(p, content);
      return p;
    },
  };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A minimal valid .docx (Office Open XML package) with one Word paragraph per entry. */
export async function makeDocx(paragraphs: string[]): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '</Relationships>',
  );
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`).join('');
  zip.file(
    'word/document.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/**
 * A minimal valid one-page PDF, written by hand: `lines` are shown with the standard Helvetica
 * font (WinAnsi encoding, so Latin-1 text only); `blankLineAfter` lists line indexes followed
 * by a paragraph gap.
 */
export function makePdf(lines: string[], blankLineAfter: number[] = []): Buffer {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)');
  let content = 'BT /F1 12 Tf 72 720 Td 14 TL\n';
  lines.forEach((l, i) => {
    content += `(${esc(l)}) Tj T*\n`;
    if (blankLineAfter.includes(i)) content += 'T*\n';
  });
  content += 'ET';
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ]);
}

/**
 * A one-page PDF showing Chinese text in a non-embedded CID font through the predefined
 * UniGB-UCS2-H CMap, as older Chinese PDFs do: reading it needs pdf.js's bundled CMap files.
 */
export function makeCjkPdf(text: string): Buffer {
  const hex = Buffer.from(text, 'utf16le').swap16().toString('hex');
  const content = `BT /F1 12 Tf 72 720 Td <${hex}> Tj ET`;
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  ]);
}

function assemblePdf(objects: string[]): Buffer {
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export const SAMPLES = {
  english:
    'Machine learning is a field of study in artificial intelligence. It is concerned with the development of statistical algorithms that can learn from data. Recent advances in deep learning have allowed neural networks to surpass many previous approaches.',
  chinese:
    '机器学习是人工智能的一个分支。它使计算机能够从数据中学习，而无需明确编程。近年来，深度学习在图像识别、语音识别和自然语言处理等领域取得了显著进展。研究人员正在探索更高效的训练方法。',
  chineseTraditional:
    '機器學習是人工智慧的一個分支。它使電腦能夠從資料中學習，而無需明確編程。近年來，深度學習在影像辨識、語音辨識和自然語言處理等領域取得了顯著進展。研究人員正在探索更有效率的訓練方法。',
  japanese:
    '機械学習は人工知能の一分野です。コンピュータがデータから学習することを可能にします。近年、深層学習は画像認識や音声認識、自然言語処理などの分野で大きな進歩を遂げました。研究者はより効率的な学習方法を探しています。',
  french:
    "L'apprentissage automatique est une branche de l'intelligence artificielle. Il permet aux ordinateurs d'apprendre à partir de données, sans être explicitement programmés. Récemment, l'apprentissage profond a réalisé des progrès considérables : reconnaissance d'images, traduction, synthèse vocale. Où en serons-nous l'été prochain ? Ça dépend des données et de leur qualité.",
  german:
    'Maschinelles Lernen ist ein Teilgebiet der künstlichen Intelligenz. Es ermöglicht Computern, aus Daten zu lernen, ohne ausdrücklich programmiert zu werden. Größere Modelle und schnellere Prozessoren haben in den letzten Jahren zu erstaunlichen Fortschritten geführt. Über die Grenzen dieser Verfahren wird gestritten, während die Straßenbahn pünktlich fährt.',
};
