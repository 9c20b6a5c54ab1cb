// The library's GPU: one WebGPU device wrapped around the engine's Engine (src/runtime/engine.ts), which
// opens it (navigator.gpu in a page, Dawn from the `webgpu` package in Node), replaces it after a loss
// and caches the compiled kernels. Compiled models and training share it.
import { Engine, EngineError } from '../runtime/engine.ts';
import { acquireDevice } from '../runtime/device.ts';

/** Options of {@link Device.request}. */
export interface DeviceOptions {
  /** Which adapter to ask for where there are several; default `'high-performance'`. */
  powerPreference?: GPUPowerPreference;
  /**
   * Measure the conv kernels on this adapter when its choice is not cached yet (about a second on a CPU
   * adapter, less on a GPU; remembered in localStorage or `~/.cache/deepwire`). Default true; false keeps
   * deepwire's guess for the adapter.
   */
  tune?: boolean;
}

/**
 * A WebGPU device that deepwire runs graphs and trains on. Get one with {@link Device.request}, or let
 * {@link Model.compile} use the {@link Device.default | shared default}. Destroy it when you are done,
 * to free its GPU memory at once.
 */
export class Device {
  private static shared: Promise<Device> | null = null;
  private static sharedDevice: Device | null = null;

  private constructor(
    /** @internal The engine behind it (not part of the public API). */
    readonly engine: Engine,
  ) {}

  /**
   * Opens a WebGPU device: the browser's, or in Node Dawn's (`npm install webgpu`). Rejects with a
   * {@link DeepwireError} saying what to install or enable when there is no adapter.
   */
  static async request(options: DeviceOptions = {}): Promise<Device> {
    const engine = await Engine.create(() => acquireDevice({ powerPreference: options.powerPreference })).catch((e: unknown) => {
      throw noAdapter(e);
    });
    if (options.tune ?? true) await engine.tuneOnFirstUse();
    return new Device(engine);
  }

  /** The device every call without an explicit `device` uses, opened on first use. */
  static default(): Promise<Device> {
    Device.shared ??= Device.request().then((d) => (Device.sharedDevice = d), (e: unknown) => {
      Device.shared = null; // a later call may find an adapter (a page that enabled WebGPU, a fixed driver)
      throw e;
    });
    return Device.shared;
  }

  /** The adapter, e.g. `"google swiftshader"` or `"nvidia ampere"`. */
  get description(): string {
    return this.engine.info.description;
  }

  /** The optional WebGPU features deepwire uses that this device has. */
  get features(): { timestamps: boolean; subgroups: boolean } {
    return { ...this.engine.info.features };
  }

  /** The underlying `GPUDevice`, to share with your own WebGPU code. */
  get gpuDevice(): GPUDevice {
    return this.engine.device;
  }

  /** Releases the GPU device; models compiled on it can no longer run. The default device opens anew on next use. */
  destroy(): void {
    if (Device.sharedDevice === this) Device.shared = Device.sharedDevice = null;
    this.engine.device.destroy();
  }
}

/** Engine.create's "no adapter" with the library's hint: in Node the usual cause is the missing `webgpu` package. */
function noAdapter(e: unknown): unknown {
  if (!(e instanceof EngineError) || e.node !== undefined) return e;
  const inNode = typeof document === 'undefined' && typeof process !== 'undefined' && !!process.versions?.node;
  if (!inNode) return new EngineError(e.message, undefined, 'use a browser with WebGPU (Chrome or Edge 113+; on Linux start Chromium with --enable-unsafe-webgpu)');
  return new EngineError(e.message, undefined,
    'in Node, install Dawn\'s bindings (`npm install webgpu`) and a Vulkan, Metal or D3D12 driver; without a GPU, point VK_ICD_FILENAMES at SwiftShader\'s ICD (Debian: /usr/lib/chromium/vk_swiftshader_icd.json)');
}
