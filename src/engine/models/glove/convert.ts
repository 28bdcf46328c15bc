/**
 * One-time conversion of the package's 307 MB JSON into a compact folder:
 *   vectors.f32   size x dim float32, little-endian, row i = the word of frequency rank i
 *   vocab.txt     the words in rank order, one a line (GloVe's vocabulary is sorted by corpus frequency)
 *   vocab.hash    the word -> rank hash table (wordIndex.ts), so loading builds nothing
 *   meta.json     size, dim, source, written last: a folder without it is incomplete
 * The JSON is read as a stream and parsed entry by entry, so the whole text is never held in
 * memory (the matrix itself, 137 MB, is).
 *
 * Source shape: {"precision","l2NormIndex":100,"wordIndex":101,"size","dimensions":100,
 *   "words":[...],"vectors":{"word":[100 numbers, norm, index],...},"unkVector":[...]}
 */
import { writeFileAtomic } from '../io/weightsFile';
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { GloveUnavailableError } from './location';
import { buildWordTable } from './wordIndex';
import { vocabularyComponent } from './sif';

export const GLOVE_FORMAT_VERSION = 3;

export interface GloveMeta {
  format: 'tenc-glove';
  version: number;
  size: number;
  dim: number;
  /** SIF's text-free first component for a = SIF_A (sif.ts vocabularyComponent), computed here once. */
  referenceComponent: number[];
  /** Source file name and byte size, to notice a different package. */
  source: { file: string; bytes: number };
  convertedAt: string;
}

export interface ConvertProgress {
  bytesRead: number;
  totalBytes: number;
  words: number;
}

export interface ConvertOptions {
  /** The package JSON (or a fixture of the same shape). */
  source: string;
  /** The compact folder to write. */
  outDir: string;
  onProgress?(p: ConvertProgress): void;
  /** Bytes read at a time (default 1 MiB; tests use tiny chunks to cross every boundary). */
  chunkBytes?: number;
}

const CHUNK = 1 << 20;

/**
 * Write-then-rename with a temporary name unique per thread: the engine and a training worker
 * (same process id) may both find the folder missing and convert at the same time.
 */
function writeAtomic(file: string, data: string | Uint8Array): void {
  writeFileAtomic(file, (tmp) => fs.writeFileSync(tmp, data));
}

/**
 * `s` as a string of its own. V8 cuts a slice of 13+ characters as a view of its parent, so every
 * long word kept the 1 MB chunk it came from alive: converting the package peaked at 640 MiB,
 * 478 MiB with this (issue 14). Decoded text holds no lone surrogates: the UTF-8 round trip is exact.
 */
function detached(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/** A pull parser over a file read in chunks; only what this format needs. */
class JsonChunkReader {
  private buf = '';
  private pos = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly chunk: Buffer;
  bytesRead = 0;
  private eof = false;

  constructor(
    private readonly fd: number,
    private readonly file: string,
    chunkBytes = CHUNK,
  ) {
    this.chunk = Buffer.alloc(chunkBytes);
  }

  private refill(): boolean {
    if (this.eof) return false;
    const n = fs.readSync(this.fd, this.chunk, 0, this.chunk.length, null);
    if (n === 0) {
      this.eof = true;
      this.buf = this.buf.slice(this.pos) + this.decoder.end();
      this.pos = 0;
      return this.buf.length > 0;
    }
    this.bytesRead += n;
    this.buf = this.buf.slice(this.pos) + this.decoder.write(this.chunk.subarray(0, n));
    this.pos = 0;
    return true;
  }

  fail(what: string): never {
    throw new GloveUnavailableError(`${this.file} is not a word-vector file of the expected shape: ${what} (near byte ${this.bytesRead})`);
  }

  /** Next non-space character, not consumed. */
  peek(): string {
    for (;;) {
      while (this.pos < this.buf.length) {
        const c = this.buf.charCodeAt(this.pos);
        if (c === 32 || c === 10 || c === 13 || c === 9) this.pos++;
        else return this.buf[this.pos]!;
      }
      if (!this.refill()) this.fail('unexpected end of file');
    }
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected "${ch}", found "${this.buf[this.pos]}"`);
    this.pos++;
  }

  /** Consumes `ch` when it is next. */
  accept(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  readString(): string {
    if (this.peek() !== '"') this.fail(`expected a string, found "${this.buf[this.pos]}"`);
    let start = this.pos; // the opening quote
    for (let i = start + 1; ; i++) {
      if (i >= this.buf.length) {
        const offset = i - start;
        this.pos = start;
        if (!this.refill()) this.fail('unterminated string');
        start = this.pos;
        i = start + offset - 1;
        continue;
      }
      const c = this.buf.charCodeAt(i);
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) {
        const raw = this.buf.slice(start, i + 1);
        this.pos = i + 1;
        return raw.includes('\\') ? (JSON.parse(raw) as string) : detached(raw.slice(1, -1));
      }
    }
  }

  /** A JSON number or literal (true/false/null), as text. */
  readScalar(): string {
    this.peek();
    let start = this.pos;
    for (let i = start; ; i++) {
      if (i >= this.buf.length) {
        const offset = i - start;
        this.pos = start;
        if (!this.refill()) {
          const rest = this.buf.slice(this.pos);
          this.pos = this.buf.length;
          return rest;
        }
        start = this.pos;
        i = start + offset - 1;
        continue;
      }
      const c = this.buf[i]!;
      if (c === ',' || c === ']' || c === '}' || c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        this.pos = i;
        return this.buf.slice(start, i);
      }
    }
  }

  readNumberArray(into: number[]): void {
    into.length = 0;
    this.expect('[');
    if (this.accept(']')) return;
    for (;;) {
      const n = Number(this.readScalar());
      if (Number.isNaN(n)) this.fail('a vector holds something that is not a number');
      into.push(n);
      if (this.accept(']')) return;
      this.expect(',');
    }
  }

  /** Skips any value (used for keys this converter does not need). */
  skipValue(): void {
    const c = this.peek();
    if (c === '"') this.readString();
    else if (c === '[' || c === '{') {
      const close = c === '[' ? ']' : '}';
      this.pos++;
      if (this.accept(close)) return;
      for (;;) {
        if (close === '}') {
          this.readString();
          this.expect(':');
        }
        this.skipValue();
        if (this.accept(close)) return;
        this.expect(',');
      }
    } else this.readScalar();
  }
}

/** Converts the JSON into `outDir` (replacing an older conversion); returns its meta. */
export function convertGloveJson(o: ConvertOptions): GloveMeta {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(o.source);
  } catch {
    throw new GloveUnavailableError(`the word-vector file ${o.source} does not exist`);
  }
  const fd = fs.openSync(o.source, 'r');
  try {
    const r = new JsonChunkReader(fd, o.source, o.chunkBytes);
    let size = -1;
    let dim = -1;
    let wordIndex = -1;
    let matrix: Float32Array | null = null;
    let words: string[] = [];
    let count = 0;
    const values: number[] = [];
    let lastReport = 0;
    r.expect('{');
    if (!r.accept('}')) {
      for (;;) {
        const key = r.readString();
        r.expect(':');
        if (key === 'size') size = Number(r.readScalar());
        else if (key === 'dimensions') dim = Number(r.readScalar());
        else if (key === 'wordIndex') wordIndex = Number(r.readScalar());
        else if (key === 'vectors') {
          if (!(size > 0 && dim > 0 && wordIndex >= dim)) r.fail('"size", "dimensions" and "wordIndex" must come before "vectors"');
          matrix = new Float32Array(size * dim);
          words = new Array<string>(size);
          r.expect('{');
          if (!r.accept('}')) {
            for (;;) {
              const word = r.readString();
              r.expect(':');
              r.readNumberArray(values);
              const index = values[wordIndex];
              if (values.length <= wordIndex || index === undefined || !Number.isInteger(index) || index < 0 || index >= size)
                r.fail(`the vector of "${word}" has no valid index`);
              if (words[index] !== undefined) r.fail(`two words have index ${index}`);
              if (/[\n\r]/.test(word)) r.fail(`the word ${JSON.stringify(word)} holds a line break`);
              words[index] = word;
              for (let d = 0; d < dim; d++) matrix[index * dim + d] = values[d]!;
              count++;
              if (o.onProgress && r.bytesRead - lastReport >= 16 * CHUNK) {
                lastReport = r.bytesRead;
                o.onProgress({ bytesRead: r.bytesRead, totalBytes: stat.size, words: count });
              }
              if (r.accept('}')) break;
              r.expect(',');
            }
          }
        } else r.skipValue();
        if (r.accept('}')) break;
        r.expect(',');
      }
    }
    const m: Float32Array = matrix ?? r.fail('no "vectors" object');
    if (count !== size) r.fail(`"size" says ${size} words but ${count} vectors were found`);
    o.onProgress?.({ bytesRead: stat.size, totalBytes: stat.size, words: count });
    fs.mkdirSync(o.outDir, { recursive: true });
    const metaFile = path.join(o.outDir, 'meta.json');
    fs.rmSync(metaFile, { force: true }); // the folder is incomplete until meta.json is back
    writeAtomic(path.join(o.outDir, 'vectors.f32'), new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
    writeAtomic(path.join(o.outDir, 'vocab.txt'), words.join('\n'));
    const table = buildWordTable(words);
    writeAtomic(path.join(o.outDir, 'vocab.hash'), new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
    const meta: GloveMeta = {
      format: 'tenc-glove',
      version: GLOVE_FORMAT_VERSION,
      size,
      dim,
      referenceComponent: Array.from(vocabularyComponent({ size, dim, matrix: m })),
      source: { file: path.basename(o.source), bytes: stat.size },
      convertedAt: new Date().toISOString(),
    };
    writeAtomic(metaFile, JSON.stringify(meta, null, 2));
    return meta;
  } finally {
    fs.closeSync(fd);
  }
}
