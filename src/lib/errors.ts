// What the library throws at a user: the engine's own error classes, each with a message saying what is
// wrong and a `hint` saying what to do. Nothing is wrapped: the editor and the CLI show the same words.
import { EngineError, GpuRunError } from '../runtime/errors.ts';
import { OpError } from '../ops/op.ts';
import { OnnxError } from '../io/onnx-proto.ts';

export { EngineError, GpuRunError, OpError, OnnxError };

/**
 * Any error deepwire raises on purpose: an {@link OpError} (a bad graph, model file, tensor or option;
 * {@link OnnxError} for ONNX files) or an {@link EngineError} (no GPU, a graph too large for it, a
 * {@link GpuRunError} during a run). Each has `message` and, mostly, `hint`; an EngineError may name the
 * node it concerns (`node`, an id).
 */
export type DeepwireError = OpError | EngineError;

/** Whether `e` is one of deepwire's own errors (as opposed to a bug or a platform error). */
export function isDeepwireError(e: unknown): e is DeepwireError {
  return e instanceof OpError || e instanceof EngineError;
}
