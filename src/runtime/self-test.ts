// The smallest proof that a device runs compute: y[i] = 2·x[i] + 1 over an odd-sized array, read back.
// Used by the first page and by the Node and browser device tests. Exact in float32 for small integers.

const WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= arrayLength(&y)) { return; }
  y[gid.x] = 2.0 * x[gid.x] + 1.0;
}
`;

export interface SelfTestResult {
  input: Float32Array<ArrayBuffer>;
  output: Float32Array;
  /** Wall time from submit to readback, in milliseconds. */
  ms: number;
}

/** Runs the doubling kernel on `input` (default 0, 1, …, 999: 16 workgroups, the last one partial). */
export async function runSelfTest(device: GPUDevice, input: Float32Array<ArrayBuffer> = Float32Array.from({ length: 1000 }, (_, i) => i)): Promise<SelfTestResult> {
  const bytes = input.byteLength;
  // Each scope is popped before the next await: one left open would take in other calls' errors.
  device.pushErrorScope('validation');
  const x = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const y = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readback = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(x, 0, input);
  const creating = device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code: WGSL }), entryPoint: 'main' },
  });
  const setUp = device.popErrorScope();
  const [pipeline, setUpError] = await Promise.all([creating, setUp]).catch((e: Error) => {
    throw new Error(`WebGPU self-test: the pipeline failed: ${e.message}`);
  });
  device.pushErrorScope('validation');
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: x } }, { binding: 1, resource: { buffer: y } }],
  });
  const start = performance.now();
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(input.length / 64));
  pass.end();
  encoder.copyBufferToBuffer(y, 0, readback, 0, bytes);
  device.queue.submit([encoder.finish()]);
  const ran = device.popErrorScope();
  const error = setUpError ?? (await ran);
  if (error) throw new Error(`WebGPU self-test failed validation: ${error.message}`);
  await readback.mapAsync(GPUMapMode.READ);
  const output = new Float32Array(readback.getMappedRange().slice(0));
  const ms = performance.now() - start;
  readback.unmap();
  for (const b of [x, y, readback]) b.destroy();
  return { input, output, ms };
}
