import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafetensorsError, decodeFloats, readSafetensorsHeader, readTensorAsFloat32, writeSafetensors } from '../../../src/engine/models/hf';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safetensors-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const u16 = (...v: number[]) => new Uint8Array(new Uint16Array(v).buffer);

describe('float decoding', () => {
  it('decodes F16 normals, subnormals, the largest value, infinities and NaN', () => {
    const out = decodeFloats(u16(0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000), 'F16');
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(-2);
    expect(out[2]).toBeCloseTo(0.33325195, 7);
    expect(out[3]).toBe(2 ** -24);
    expect(out[4]).toBe(65504);
    expect(out[5]).toBe(Infinity);
    expect(out[6]).toBe(-Infinity);
    expect(out[7]).toBeNaN();
    expect(Object.is(out[8], -0)).toBe(true);
  });

  it('decodes BF16 as the upper half of a float32', () => {
    const out = decodeFloats(u16(0x3f80, 0xc049, 0x0000, 0x7f80), 'BF16');
    expect(Array.from(out)).toEqual([1, -3.140625, 0, Infinity]);
  });

  it('decodes F32 and F64 little-endian', () => {
    const f32 = new Uint8Array(new Float32Array([1.5, -0.25]).buffer);
    expect(Array.from(decodeFloats(f32, 'F32'))).toEqual([1.5, -0.25]);
    const f64 = new Uint8Array(new Float64Array([0.1, 1e300]).buffer);
    const d = decodeFloats(f64, 'F64');
    expect(d[0]).toBeCloseTo(0.1, 7);
    expect(d[1]).toBe(Infinity); // out of float32 range
  });

  it('refuses integer dtypes', () => {
    expect(() => decodeFloats(new Uint8Array(8), 'I64')).toThrow(SafetensorsError);
  });
});

describe('reading and writing files', () => {
  it('round-trips tensors through writeSafetensors / readSafetensorsHeader', async () => {
    const file = path.join(dir, 'rt.safetensors');
    const a = Float32Array.from({ length: 6 }, (_, i) => i * 0.5 - 1);
    writeSafetensors(file, [
      { name: 'b.weight', shape: [2, 3], data: a },
      { name: 'a.bias', shape: [1], data: new Float32Array([7]) },
    ]);
    const bytes = fs.readFileSync(file);
    const headerLen = Number(bytes.readBigUInt64LE(0));
    expect(headerLen % 8).toBe(0);
    const h = readSafetensorsHeader(file);
    expect([...h.tensors.keys()]).toEqual(['a.bias', 'b.weight']);
    expect(h.metadata).toEqual({ format: 'pt' });
    const b = h.tensors.get('b.weight')!;
    expect(b).toMatchObject({ dtype: 'F32', shape: [2, 3] });
    expect(Array.from(await readTensorAsFloat32(b))).toEqual(Array.from(a));
  });

  it('rejects an entry whose byte span does not match its shape', () => {
    const file = path.join(dir, 'bad.safetensors');
    const header = Buffer.from(JSON.stringify({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    fs.writeFileSync(file, Buffer.concat([len, header, Buffer.alloc(8)]));
    expect(() => readSafetensorsHeader(file)).toThrow('bad.safetensors header is corrupt: tensor "x" (F32 [3]) needs 12 bytes but data_offsets span 8');
  });

  it('rejects an entry without data_offsets', () => {
    const file = path.join(dir, 'bad2.safetensors');
    const header = Buffer.from(JSON.stringify({ x: { dtype: 'F32', shape: [1] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    fs.writeFileSync(file, Buffer.concat([len, header, Buffer.alloc(4)]));
    expect(() => readSafetensorsHeader(file)).toThrow('bad2.safetensors header is corrupt: entry "x" needs dtype, shape and data_offsets');
  });

  it('reads the fixture files in all three float dtypes to the same numbers', async () => {
    const fix = path.resolve(__dirname, '../../fixtures/hf');
    const f32 = readSafetensorsHeader(path.join(fix, 'bert-vocab', 'model.safetensors')).tensors.get('encoder.layer.0.attention.self.query.weight')!;
    const f16 = readSafetensorsHeader(path.join(fix, 'bert-tokjson', 'model.safetensors')).tensors.get('bert.encoder.layer.0.attention.self.query.weight')!;
    expect([f32.dtype, f16.dtype]).toEqual(['F32', 'F16']);
    expect(Array.from(await readTensorAsFloat32(f16))).toEqual(Array.from(await readTensorAsFloat32(f32)));
    const bf16 = readSafetensorsHeader(path.join(fix, 'roberta-bpe', 'model.safetensors')).tensors.get('embeddings.word_embeddings.weight')!;
    const f16r = readSafetensorsHeader(path.join(fix, 'roberta-tokjson', 'model.safetensors')).tensors.get('roberta.embeddings.word_embeddings.weight')!;
    expect(bf16.dtype).toBe('BF16');
    expect(Array.from(await readTensorAsFloat32(bf16))).toEqual(Array.from(await readTensorAsFloat32(f16r)));
  });
});
