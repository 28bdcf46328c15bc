import path from 'node:path';

export type DocumentFormat = 'text' | 'markdown' | 'html' | 'csv' | 'tsv' | 'json' | 'jsonl' | 'docx' | 'pdf';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdown': 'markdown',
  '.mkd': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.docx': 'docx',
  '.pdf': 'pdf',
};

// Extensions that are never text: skipped without opening the file.
const BINARY_EXTENSIONS = new Set(
  (
    'png jpg jpeg gif bmp tif tiff webp ico icns heic heif avif psd raw cr2 nef ' +
    'mp3 wav flac ogg oga opus m4a aac wma mid midi ' +
    'mp4 m4v mov avi mkv webm wmv flv mpg mpeg 3gp ' +
    'zip gz tgz bz2 xz 7z rar zst lz4 tar jar war apk ipa dmg iso img cab deb rpm msi ' +
    'exe dll so dylib o a lib obj class pyc pyo wasm node bin ' +
    'doc xls ppt xlsx pptx odt ods odp epub mobi ' +
    'ttf otf woff woff2 eot ' +
    'db sqlite sqlite3 mdb accdb parquet feather arrow npy npz pt pth onnx h5 hdf5 pkl pickle safetensors ckpt tflite pb'
  )
    .split(/\s+/)
    .map((e) => '.' + e),
);

/** The format implied by the file name, 'binary' for known binary extensions, null when unknown (sniff the content). */
export function formatFromPath(filePath: string): DocumentFormat | 'binary' | null {
  const ext = path.extname(filePath).toLowerCase();
  if (!ext) return null;
  if (BY_EXTENSION[ext]) return BY_EXTENSION[ext];
  if (BINARY_EXTENSIONS.has(ext)) return 'binary';
  return null;
}

/** pdf and docx are containers whose size says little about their text: they get their own size limit. */
export function isContainerFormat(format: DocumentFormat): boolean {
  return format === 'pdf' || format === 'docx';
}
