/**
 * Builds ONNX graphs in TypeScript and serialises them as ModelProto bytes (field numbers from
 * onnx.proto; only the fields we use). Values are named strings; `op()` appends a node and
 * returns the name(s) of its output(s), so graph code reads like the TF.js forward pass.
 */
import { ProtoWriter } from './protobuf';

/** ONNX TensorProto.DataType values we use. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type ElemType = (typeof DataType)[keyof typeof DataType];

/** Opset 17: the first with LayerNormalization; ReduceMean/ReduceMax still take `axes` as an attribute. */
export const OPSET = 17;
/** IR version 8 goes with opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;

export type Dim = number | string;

export interface TensorData {
  dims: readonly number[];
  type: ElemType;
  /** Little-endian element bytes (float32 or int64). */
  raw: Uint8Array;
}

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: TensorData };

/** Attribute constructors: ONNX distinguishes int and float attributes, JS numbers do not. */
export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: 'ints', value }),
  string: (value: string): AttrValue => ({ kind: 'string', value }),
};

const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, ints: 7 } as const;

export function floatTensor(values: Float32Array | readonly number[], dims: readonly number[]): TensorData {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new Error(`float tensor of shape [${dims}] needs ${size} values, got ${data.length}`);
  // Copy so the bytes are little-endian and owned (Float32Array is platform-endian; every
  // platform Node runs on is little-endian, the copy just detaches from the caller's buffer).
  return { dims: [...dims], type: DataType.FLOAT, raw: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

export function int64Tensor(values: readonly number[], dims: readonly number[]): TensorData {
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new Error(`int64 tensor of shape [${dims}] needs ${size} values, got ${values.length}`);
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { dims: [...dims], type: DataType.INT64, raw };
}

export function int8Tensor(values: Int8Array, dims: readonly number[]): TensorData {
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new Error(`int8 tensor of shape [${dims}] needs ${size} values, got ${values.length}`);
  return { dims: [...dims], type: DataType.INT8, raw: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
}

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Record<string, AttrValue>;
}

interface ValueInfo {
  name: string;
  type: ElemType;
  dims: readonly Dim[];
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers = new Map<string, TensorData>();
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly constCache = new Map<string, string>();
  private counter = 0;

  constructor(readonly name: string) {}

  private fresh(hint: string): string {
    let n: string;
    do n = `${hint}_${this.counter++}`;
    while (this.names.has(n));
    this.names.add(n);
    return n;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX value ${name} defined twice`);
    this.names.add(name);
    return name;
  }

  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    this.inputs.push({ name: this.claim(name), type, dims });
    return name;
  }

  /** Marks `value` as a graph output named `name` (through an Identity when the names differ). */
  output(value: string, name: string, type: ElemType, dims: readonly Dim[]): void {
    if (value !== name) this.op('Identity', [value], {}, [name]);
    this.outputs.push({ name, type, dims });
  }

  /** A named constant (model weight). */
  initializer(name: string, tensor: TensorData): string {
    this.initializers.set(this.claim(name), tensor);
    return name;
  }

  /** float32 constant; small ones are de-duplicated by value. */
  constF(values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    return this.cachedConst('f', Array.from(values), dims, () => floatTensor(values, dims));
  }

  /** int64 constant (shapes, axes, indices). */
  constI(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.cachedConst('i', values, dims, () => int64Tensor(values, dims));
  }

  /** float32 scalar (rank 0). */
  scalarF(value: number): string {
    return this.constF([value], []);
  }

  /** int64 scalar (rank 0). */
  scalarI(value: number): string {
    return this.constI([value], []);
  }

  private cachedConst(kind: string, values: readonly number[], dims: readonly number[], make: () => TensorData): string {
    const key = values.length <= 16 ? `${kind}:${dims.join(',')}:${values.join(',')}` : undefined;
    const hit = key && this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('const');
    this.initializers.set(name, make());
    if (key) this.constCache.set(key, name);
    return name;
  }

  /** Appends a node with one output; returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outputNames?: readonly string[]): string {
    return this.opN(opType, inputs, 1, attrs, outputNames)[0]!;
  }

  /** Appends a node with `count` outputs. */
  opN(opType: string, inputs: readonly string[], count: number, attrs: Record<string, AttrValue> = {}, outputNames?: readonly string[]): string[] {
    const outputs = outputNames ? outputNames.map((n) => this.claim(n)) : Array.from({ length: count }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ op: opType, inputs: [...inputs], outputs, name: this.fresh(`n_${opType}`), attrs });
    return outputs;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Serialises the graph as an ONNX ModelProto (opset 17, IR 8). */
  toModelProto(meta: { producer?: string; docString?: string; metadata?: Record<string, string> } = {}): Uint8Array {
    const w = new ProtoWriter(1 << 16);
    w.int(1, IR_VERSION);
    w.string(2, meta.producer ?? 'transencoder-studio');
    if (meta.docString) w.string(6, meta.docString);
    w.message(7, (g) => this.writeGraph(g));
    w.message(8, (o) => o.string(1, '').int(2, OPSET));
    for (const [key, value] of Object.entries(meta.metadata ?? {})) w.message(14, (e) => e.string(1, key).string(2, value));
    return w.finish();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) g.message(1, (w) => writeNode(w, n));
    g.string(2, this.name);
    for (const [name, t] of this.initializers) g.message(5, (w) => writeTensor(w, name, t));
    for (const v of this.inputs) g.message(11, (w) => writeValueInfo(w, v));
    for (const v of this.outputs) g.message(12, (w) => writeValueInfo(w, v));
  }
}

function writeTensor(w: ProtoWriter, name: string, t: TensorData): void {
  w.repeatedInts(1, t.dims);
  w.int(2, t.type);
  w.string(8, name);
  w.bytes(9, t.raw);
}

function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.op);
  for (const [name, a] of Object.entries(n.attrs)) {
    w.message(5, (aw) => {
      aw.string(1, name);
      switch (a.kind) {
        case 'float':
          aw.float(2, a.value);
          break;
        case 'int':
          aw.int(3, a.value);
          break;
        case 'string':
          aw.string(4, a.value);
          break;
        case 'tensor':
          aw.message(5, (tw) => writeTensor(tw, '', a.value));
          break;
        case 'ints':
          aw.repeatedInts(8, a.value);
          break;
      }
      aw.int(20, ATTR_TYPE[a.kind]);
    });
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}
