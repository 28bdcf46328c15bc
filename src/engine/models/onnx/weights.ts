/** Model weights as plain float32 arrays, and their lazy use as ONNX initializers. */
import * as tf from '@tensorflow/tfjs';
import type { TrainableModel } from '../encoder';
import { type GraphBuilder, floatTensor } from './graph';

export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

/** Every weight of `model` as float32 values (read through getWeights(), then freed). */
export function readWeights(model: TrainableModel): Map<string, NamedWeight> {
  const tensors = model.getWeights();
  try {
    const out = new Map<string, NamedWeight>();
    for (const [name, t] of tensors) {
      const data = t.dtype === 'float32' ? (t.dataSync() as Float32Array) : Float32Array.from(t.dataSync() as ArrayLike<number>);
      out.set(name, { shape: [...t.shape], data });
    }
    return out;
  } finally {
    tf.dispose([...tensors.values()]);
  }
}

/** Adds a model weight to the graph as an initializer the first time a node uses it. */
export class WeightInitializers {
  private readonly added = new Set<string>();

  constructor(
    private readonly graph: GraphBuilder,
    private readonly weights: ReadonlyMap<string, NamedWeight>,
  ) {}

  has(name: string): boolean {
    return this.weights.has(name);
  }

  shape(name: string): number[] {
    return this.get(name).shape;
  }

  private get(name: string): NamedWeight {
    const w = this.weights.get(name);
    if (!w) throw new Error(`ONNX export: the model has no weight ${name}`);
    return w;
  }

  /**
   * The initializer holding weight `name` (named `weights/<name>`, so no weight can collide
   * with an input or output name), with an optional shape check.
   */
  use(name: string, expectedShape?: readonly number[]): string {
    const w = this.get(name);
    if (expectedShape && (w.shape.length !== expectedShape.length || w.shape.some((d, i) => d !== expectedShape[i]))) {
      throw new Error(`ONNX export: weight ${name} has shape [${w.shape}], expected [${expectedShape}]`);
    }
    const value = `weights/${name}`;
    if (!this.added.has(name)) {
      this.graph.initializer(value, floatTensor(w.data, w.shape));
      this.added.add(name);
    }
    return value;
  }
}
