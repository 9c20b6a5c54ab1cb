// Live and peak GPU buffer bytes in this page, counted the same way for every engine: a wrapper around
// GPUDevice.createBuffer and GPUBuffer.destroy (and GPUDevice.destroy, which frees a device's buffers).
// Install before any engine opens a device. Buffers dropped without destroy() stay counted: a leak.

export interface GpuMemory {
  live: number;
  peak: number;
  buffers: number;
}

export const gpuMemory: GpuMemory = { live: 0, peak: 0, buffers: 0 };

let installed = false;

export function trackGpuMemory(): void {
  if (installed || typeof GPUDevice === 'undefined') return;
  installed = true;
  const sizes = new WeakMap<GPUBuffer, { device: GPUDevice; bytes: number }>();
  const perDevice = new WeakMap<GPUDevice, Set<GPUBuffer>>();
  const free = (buffer: GPUBuffer) => {
    const entry = sizes.get(buffer);
    if (!entry) return;
    sizes.delete(buffer);
    perDevice.get(entry.device)?.delete(buffer);
    gpuMemory.live -= entry.bytes;
    gpuMemory.buffers--;
  };

  const createBuffer = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor) {
    const buffer = createBuffer.call(this, descriptor);
    const bytes = Number(descriptor.size);
    sizes.set(buffer, { device: this, bytes });
    let set = perDevice.get(this);
    if (!set) perDevice.set(this, (set = new Set()));
    set.add(buffer);
    gpuMemory.live += bytes;
    gpuMemory.buffers++;
    gpuMemory.peak = Math.max(gpuMemory.peak, gpuMemory.live);
    return buffer;
  };

  const destroyBuffer = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    free(this);
    return destroyBuffer.call(this);
  };

  const destroyDevice = GPUDevice.prototype.destroy;
  GPUDevice.prototype.destroy = function (this: GPUDevice) {
    for (const buffer of perDevice.get(this) ?? []) free(buffer);
    return destroyDevice.call(this);
  };
}

/** Starts a new peak from what is live now. */
export function resetGpuPeak(): void {
  gpuMemory.peak = gpuMemory.live;
}
