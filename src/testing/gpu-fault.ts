// A real GPU error on demand, for the tests of "never a silent wrong answer": from now until the undo,
// a compute pass's dispatch whose bind group (the engine labels each with its node id) or pass carries
// `label` asks for more workgroups than any device allows, so WebGPU itself rejects the command buffer
// with a validation error, in the middle of a run. Nothing in the engine knows about it.
// e2e/gpu-fault.ts does the same inside a page.

const TOO_MANY_WORKGROUPS = 0xffffffff;

export function failDispatchOf(label: string): () => void {
  const proto = GPUComputePassEncoder.prototype;
  const { setBindGroup, dispatchWorkgroups } = proto;
  const bound = new WeakMap<GPUComputePassEncoder, string>();
  proto.setBindGroup = function (this: GPUComputePassEncoder, ...args: Parameters<GPUComputePassEncoder['setBindGroup']>) {
    bound.set(this, args[1]?.label ?? '');
    return (setBindGroup as (...a: unknown[]) => void).apply(this, args);
  } as GPUComputePassEncoder['setBindGroup'];
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, x: number, y?: number, z?: number) {
    const hit = bound.get(this) === label || this.label === label;
    return dispatchWorkgroups.call(this, hit ? TOO_MANY_WORKGROUPS : x, y, z);
  };
  return () => {
    proto.setBindGroup = setBindGroup;
    proto.dispatchWorkgroups = dispatchWorkgroups;
  };
}
