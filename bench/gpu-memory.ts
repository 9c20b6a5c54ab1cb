// Live and peak GPU buffer bytes in this page, counted the same way for every engine: a wrapper around
// GPUDevice.createBuffer and GPUBuffer.destroy (and GPUDevice.destroy, which frees a device's buffers).
// Install before any engine opens a device. Buffers dropped without destroy() stay counted: a leak.
// Counted in all and per device (gpuMemoryOf): engines that share a process each have their own.

export interface GpuMemory {
  live: number;
  peak: number;
  buffers: number;
}

export const gpuMemory: GpuMemory = { live: 0, peak: 0, buffers: 0 };

let installed = false;
const perDevice = new WeakMap<GPUDevice, { buffers: Set<GPUBuffer>; memory: GpuMemory }>();

function deviceEntry(device: GPUDevice) {
  let entry = perDevice.get(device);
  if (!entry) perDevice.set(device, (entry = { buffers: new Set(), memory: { live: 0, peak: 0, buffers: 0 } }));
  return entry;
}

/** Live and peak bytes of one device's buffers (zero for a device that made none). */
export function gpuMemoryOf(device: GPUDevice): GpuMemory {
  return deviceEntry(device).memory;
}

export function trackGpuMemory(): void {
  if (installed || typeof GPUDevice === 'undefined') return;
  installed = true;
  const sizes = new WeakMap<GPUBuffer, { device: GPUDevice; bytes: number }>();
  const count = (memory: GpuMemory, bytes: number, buffers: number) => {
    memory.live += bytes;
    memory.buffers += buffers;
    memory.peak = Math.max(memory.peak, memory.live);
  };
  const free = (buffer: GPUBuffer) => {
    const entry = sizes.get(buffer);
    if (!entry) return;
    sizes.delete(buffer);
    const device = deviceEntry(entry.device);
    device.buffers.delete(buffer);
    count(device.memory, -entry.bytes, -1);
    count(gpuMemory, -entry.bytes, -1);
  };

  const createBuffer = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
    const buffer = createBuffer.call(this, descriptor);
    const bytes = Number(descriptor.size);
    sizes.set(buffer, { device: this, bytes });
    const device = deviceEntry(this);
    device.buffers.add(buffer);
    count(device.memory, bytes, 1);
    count(gpuMemory, bytes, 1);
    return buffer;
  };

  const destroyBuffer = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    free(this);
    return destroyBuffer.call(this);
  };

  const destroyDevice = GPUDevice.prototype.destroy;
  GPUDevice.prototype.destroy = function (this: GPUDevice) {
    for (const buffer of [...(perDevice.get(this)?.buffers ?? [])]) free(buffer);
    return destroyDevice.call(this);
  };
}

/** Starts a new peak from what is live now (on `device`, or in all). */
export function resetGpuPeak(device?: GPUDevice): void {
  const memory = device ? gpuMemoryOf(device) : gpuMemory;
  memory.peak = memory.live;
}
