import mammoth from 'mammoth';

/**
 * Raw text of a .docx (Office Open XML) document via mammoth: one paragraph per Word
 * paragraph, separated by blank lines. Throws with a readable message on files that are not
 * valid .docx packages.
 */
export async function docxToText(data: Uint8Array): Promise<string> {
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
    return result.value
      .replace(/\r\n?/g, '\n')
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (/central directory|zip|signature/i.test(message)) throw new Error(`not a valid .docx file (${message})`);
    if (/word\/document\.xml|main document part/i.test(message)) throw new Error('not a Word document (no word/document.xml)');
    throw new Error(`could not read .docx (${message})`);
  }
}
