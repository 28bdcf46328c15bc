/**
 * Direct views of float32 tensor data in the wasm backend's heap (issue 14), for the few hot
 * copies of data-parallel training that would otherwise go through dataSync() and tf.tensor()
 * (an extra copy of the model's weights or gradients each step: weights into shared memory,
 * gradients out of a worker). Writing through an `exclusive` view into a worker's variables was
 * tried and dropped: it broke the cross-encoder's loss agreement, for a reason not found.
 *
 * A view is only valid until the next tfjs call that allocates (the heap may grow and move):
 * take it, use it, drop it. `exclusive` asks for a view that is safe to write: the tensor's
 * data must have no other tensor sharing it (tfjs clones share data by reference count), or
 * a write would change those too.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendHeap {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  refCount(dataId: object): number;
}

/** The wasm backend, when it is the active one. */
function wasmBackend(): WasmBackendHeap | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as Partial<WasmBackendHeap>;
  return typeof b.typedArrayFromHeap === 'function' && typeof b.refCount === 'function' ? (b as WasmBackendHeap) : undefined;
}

/**
 * A Float32Array over `t`'s data in the wasm heap (no copy), or undefined when the backend is
 * not wasm, the tensor is not float32, or (with `exclusive`) another tensor shares its data.
 */
export function heapView(t: tf.Tensor, exclusive = false): Float32Array | undefined {
  const b = wasmBackend();
  if (!b || t.dtype !== 'float32' || t.isDisposed) return undefined;
  if (exclusive && b.refCount(t.dataId) !== 1) return undefined;
  return b.typedArrayFromHeap(t);
}
