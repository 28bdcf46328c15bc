/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}), then the raw
 * little-endian tensor data; offsets are relative to the end of the header.
 * Float tensors (F64, F32, F16, BF16) are read as float32.
 */
import fs from 'node:fs';
import path from 'node:path';

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
  file: string;
}

export interface SafetensorsHeader {
  file: string;
  fileSize: number;
  metadata: Record<string, string>;
  tensors: Map<string, TensorEntry>;
}

const ITEM_SIZE: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

export const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64'] as const;

// The reference implementation refuses headers over 100 MB; a bigger length means a corrupt file.
const MAX_HEADER_BYTES = 100_000_000;

/** Read and check the header of a .safetensors file (reads only the header bytes). */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const label = path.basename(file);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new SafetensorsError(`${label} is unreadable: ${(e as Error).message}`);
  }
  try {
    const fileSize = fs.fstatSync(fd).size;
    if (fileSize < 8) {
      throw new SafetensorsError(`${label} is truncated: ${fileSize} bytes, too short for the 8-byte header length`);
    }
    const lenBuf = Buffer.alloc(8);
    fs.readSync(fd, lenBuf, 0, 8, 0);
    const headerLen = Number(lenBuf.readBigUInt64LE(0));
    if (headerLen > fileSize - 8) {
      throw new SafetensorsError(
        `${label} header is corrupt or truncated: it declares a ${headerLen}-byte header but only ${fileSize - 8} bytes follow the length field`,
      );
    }
    if (headerLen > MAX_HEADER_BYTES) throw new SafetensorsError(`${label} header is corrupt: declared length ${headerLen} bytes is implausible`);
    const headerBuf = Buffer.alloc(headerLen);
    fs.readSync(fd, headerBuf, 0, headerLen, 8);
    let json: unknown;
    try {
      json = JSON.parse(headerBuf.toString('utf8'));
    } catch (e) {
      throw new SafetensorsError(`${label} header is corrupt: not valid JSON (${(e as Error).message})`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new SafetensorsError(`${label} header is corrupt: not a JSON object`);
    const dataStart = 8 + headerLen;
    const dataSize = fileSize - dataStart;
    const tensors = new Map<string, TensorEntry>();
    let metadata: Record<string, string> = {};
    for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
      if (name === '__metadata__') {
        if (raw && typeof raw === 'object') metadata = raw as Record<string, string>;
        continue;
      }
      const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (
        !e ||
        typeof e.dtype !== 'string' ||
        !Array.isArray(e.shape) ||
        !e.shape.every((d) => Number.isInteger(d) && d >= 0) ||
        !Array.isArray(e.data_offsets) ||
        e.data_offsets.length !== 2 ||
        !e.data_offsets.every((d) => Number.isInteger(d) && d >= 0)
      ) {
        throw new SafetensorsError(`${label} header is corrupt: entry "${name}" needs dtype, shape and data_offsets`);
      }
      const [b, end] = e.data_offsets as [number, number];
      if (end < b) throw new SafetensorsError(`${label} header is corrupt: tensor "${name}" has data_offsets [${b}, ${end}]`);
      if (end > dataSize) {
        throw new SafetensorsError(`${label} is truncated: tensor "${name}" needs bytes up to ${end} of the data section, which has only ${dataSize} bytes`);
      }
      const item = ITEM_SIZE[e.dtype];
      const count = (e.shape as number[]).reduce((a, d) => a * d, 1);
      if (item !== undefined && count * item !== end - b) {
        throw new SafetensorsError(
          `${label} header is corrupt: tensor "${name}" (${e.dtype} [${(e.shape as number[]).join(', ')}]) needs ${count * item} bytes but data_offsets span ${end - b}`,
        );
      }
      tensors.set(name, { name, dtype: e.dtype, shape: e.shape as number[], begin: dataStart + b, end: dataStart + end, file });
    }
    return { file, fileSize, metadata, tensors };
  } finally {
    fs.closeSync(fd);
  }
}

let f16Table: Float32Array | null = null;

function halfToFloatTable(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  f16Table = t;
  return t;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Convert raw little-endian float bytes (F32, F16, BF16 or F64) to float32. */
export function decodeFloats(bytes: Uint8Array, dtype: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const out = new Float32Array(bytes.byteLength / 4);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F16': {
      const table = halfToFloatTable();
      const out = new Float32Array(bytes.byteLength / 2);
      for (let i = 0; i < out.length; i++) out[i] = table[view.getUint16(i * 2, true)];
      return out;
    }
    case 'BF16': {
      // bfloat16 is the upper half of a float32.
      const bits = new Uint32Array(bytes.byteLength / 2);
      for (let i = 0; i < bits.length; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'F64': {
      const out = new Float32Array(bytes.byteLength / 8);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    default:
      throw new SafetensorsError(`dtype ${dtype} cannot be read as floats (readable: ${FLOAT_DTYPES.join(', ')})`);
  }
}

/** Read one float tensor as float32. */
export async function readTensorAsFloat32(entry: TensorEntry): Promise<Float32Array> {
  if (!(FLOAT_DTYPES as readonly string[]).includes(entry.dtype)) {
    throw new SafetensorsError(`tensor "${entry.name}" has dtype ${entry.dtype}; only ${FLOAT_DTYPES.join(', ')} are read`);
  }
  const handle = await fs.promises.open(entry.file, 'r');
  try {
    const buf = Buffer.alloc(entry.end - entry.begin);
    const { bytesRead } = await handle.read(buf, 0, buf.length, entry.begin);
    if (bytesRead !== buf.length) throw new SafetensorsError(`${path.basename(entry.file)} is truncated while reading "${entry.name}"`);
    return decodeFloats(buf, entry.dtype);
  } finally {
    await handle.close();
  }
}

export interface TensorToWrite {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Write float32 tensors as a .safetensors file (names sorted, header padded to 8 bytes). */
export function writeSafetensors(file: string, tensors: TensorToWrite[], metadata: Record<string, string> = { format: 'pt' }): void {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of sorted) {
    const count = t.shape.reduce((a, d) => a * d, 1);
    if (count !== t.data.length) throw new SafetensorsError(`tensor "${t.name}": shape [${t.shape.join(', ')}] does not match ${t.data.length} values`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  let headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad) headerBytes = Buffer.concat([headerBytes, Buffer.alloc(pad, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(headerBytes.length));
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, len);
    fs.writeSync(fd, headerBytes);
    for (const t of sorted) {
      const buf = Buffer.alloc(t.data.length * 4);
      for (let i = 0; i < t.data.length; i++) buf.writeFloatLE(t.data[i], i * 4);
      fs.writeSync(fd, buf);
    }
  } finally {
    fs.closeSync(fd);
  }
}
