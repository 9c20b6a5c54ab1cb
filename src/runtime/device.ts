// Acquires a WebGPU adapter and device: navigator.gpu in a browser, Dawn (`webgpu` package) in Node.
// The only file that knows which. Requests the adapter's maxima and the features the kernels use.

export interface DeviceInfo {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** e.g. "google swiftshader" or "nvidia ampere". */
  description: string;
  features: { timestamps: boolean; subgroups: boolean };
}

let nodeGpu: GPU | null | undefined;

/** The platform's GPU entry point, or null when WebGPU is not available here. */
export async function getGpu(): Promise<GPU | null> {
  if (typeof navigator !== 'undefined' && (navigator as Navigator).gpu) return (navigator as Navigator).gpu;
  if (typeof process === 'undefined' || !process.versions?.node) return null;
  if (nodeGpu === undefined) {
    try {
      const pkg = 'webgpu'; // a variable keeps bundlers from pulling the Node addon into the page
      const { create, globals } = await import(/* @vite-ignore */ pkg);
      Object.assign(globalThis, globals);
      nodeGpu = create([]) as GPU;
    } catch {
      nodeGpu = null;
    }
  }
  return nodeGpu;
}

const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups' as GPUFeatureName];

/** Opens a device with the adapter's maximum limits; null when no adapter is found. */
export async function acquireDevice(options: { powerPreference?: GPUPowerPreference } = {}): Promise<DeviceInfo | null> {
  const gpu = await getGpu();
  const adapter = await gpu?.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) return null;
  const requiredLimits: Record<string, number> = {};
  for (const key of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
    'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage'] as const)
    requiredLimits[key] = adapter.limits[key];
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  return {
    device,
    adapter,
    description: [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') || 'unknown adapter',
    features: { timestamps: device.features.has('timestamp-query'), subgroups: device.features.has('subgroups' as GPUFeatureName) },
  };
}
