/**
 * A minimal protobuf writer: just what encoding an ONNX ModelProto needs (varints, 32-bit
 * floats, length-delimited bytes/strings/sub-messages, repeated scalars).
 *
 * Why hand-written: the ONNX messages we emit use a dozen fields, and writing the wire format
 * is ~100 lines, while a protobuf library would add a runtime dependency plus a copy of
 * onnx.proto (or generated code) to keep in sync. We only ever write; onnxruntime parses.
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

/** Growable byte buffer with protobuf field writers. Field numbers are the .proto tags. */
export class ProtoWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Raw varint; negative numbers are written as 64-bit two's complement (10 bytes), as int64 fields require. */
  private varint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new TypeError(`varint needs an integer, got ${value}`);
      if (value >= 0 && value <= 0xffffffff) {
        this.reserve(5);
        let v = value;
        while (v > 0x7f) {
          this.buf[this.pos++] = (v & 0x7f) | 0x80;
          v = Math.floor(v / 128);
        }
        this.buf[this.pos++] = v;
        return;
      }
      value = BigInt(value);
    }
    let v = BigInt.asUintN(64, value);
    this.reserve(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** int32 / int64 / enum / bool field. */
  int(field: number, value: number | bigint | boolean): this {
    this.tag(field, WIRE_VARINT);
    this.varint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).setFloat32(0, value, true);
    this.pos += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** Embedded message written by `write` into a fresh writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /**
   * Repeated int32/int64, one tag per value: onnx.proto is proto2, where repeated scalars
   * are unpacked unless marked (parsers accept both, this is the canonical form).
   */
  repeatedInts(field: number, values: ReadonlyArray<number | bigint>): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  /** Repeated float, one tag per value (see repeatedInts). */
  repeatedFloats(field: number, values: readonly number[]): this {
    for (const v of values) this.float(field, v);
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
