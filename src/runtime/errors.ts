// The engine's errors, and the rule that no GPU error passes silently: every piece of work that ends in
// a submit runs inside error scopes for validation, out-of-memory and internal errors, and a run whose
// scopes caught anything fails with a GpuRunError instead of returning what the buffers happen to hold.
// (Without the scopes WebGPU only logs the error; the readback then maps buffers that were never written.)

/** A failure with the node it concerns, when there is one, and what to do about it. */
export class EngineError extends Error {
  constructor(message: string, readonly node?: string, readonly hint?: string) {
    super(message);
    this.name = 'EngineError';
  }
}

export type GpuErrorKind = 'validation' | 'out-of-memory' | 'internal';

/** The GPU reported an error during a run (or a readback, or a picture): its results are not valid. */
export class GpuRunError extends EngineError {
  constructor(readonly kind: GpuErrorKind, readonly gpuMessage: string, what: string, node?: string) {
    super(`the GPU reported ${kind === 'out-of-memory' ? 'an out-of-memory' : `a${kind === 'internal' ? 'n' : ''} ${kind}`} error ${what}: ${firstLine(gpuMessage)}`,
      node, HINTS[kind]);
    this.name = 'GpuRunError';
  }
}

const HINTS: Record<GpuErrorKind, string> = {
  validation: 'no results were kept; this is a deepwire bug: please report it with the graph',
  'out-of-memory': 'no results were kept; use a smaller input or batch, or close other GPU-heavy tabs, and run again',
  internal: 'no results were kept; the GPU driver failed: run again, or reload the page',
};

const firstLine = (text: string) => text.split('\n')[0].trim();

export interface CapturedGpuError {
  kind: GpuErrorKind;
  message: string;
}

const FILTERS: GpuErrorKind[] = ['validation', 'out-of-memory', 'internal'];

/**
 * Opens one error scope per kind of error; the returned `close` must be called synchronously after the
 * work (before any await, so no other code's calls land in these scopes) and resolves to the first error.
 */
export function captureGpuErrors(device: GPUDevice): () => Promise<CapturedGpuError | null> {
  for (const filter of FILTERS) device.pushErrorScope(filter);
  return async () => {
    // Scopes pop innermost first: internal, out-of-memory, validation.
    const popped = [device.popErrorScope(), device.popErrorScope(), device.popErrorScope()];
    const errors = (await Promise.all(popped)).reverse();
    const at = errors.findIndex(Boolean);
    return at < 0 ? null : { kind: FILTERS[at], message: errors[at]!.message };
  };
}

/**
 * Runs `work` (synchronous: it encodes and submits) inside error scopes: its value, and a promise of the
 * first GPU error it caused (null when none). The scopes are popped even when `work` throws.
 */
export function scopedGpuWork<T>(device: GPUDevice, work: () => T): { value: T; errors: Promise<CapturedGpuError | null> } {
  const close = captureGpuErrors(device);
  let value: T;
  try {
    value = work();
  } catch (e) {
    void close();
    throw e;
  }
  return { value, errors: close() };
}
