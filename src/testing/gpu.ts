// The GPU test harness: one device per test file, real WebGPU or nothing. Under CI=true a missing
// adapter is a failure, never a skip, so a green run means the kernels really ran.
import { afterEach, expect } from 'vitest';
import { acquireDevice, type DeviceInfo } from '../runtime/device.ts';

const inCI = () => typeof process !== 'undefined' && process.env?.CI === 'true';

export interface TestGpu extends DeviceInfo {
  /** Validation and out-of-memory errors that nobody caught; each test asserts there were none. */
  errors: string[];
}

/** Acquires the test device, or throws under CI. Returns null outside CI when there is no adapter. */
export async function testGpu(): Promise<TestGpu | null> {
  checkImplementation();
  const info = await acquireDevice();
  if (!info) {
    const message = 'no WebGPU adapter: install Debian\'s chromium (SwiftShader) or run on a machine with a GPU (see README)';
    if (inCI() || !(typeof process !== 'undefined' && process.versions?.node)) throw new Error(message);
    console.warn(`GPU tests skipped: ${message}`);
    return null;
  }
  const gpu: TestGpu = { ...info, errors: [] };
  info.device.addEventListener('uncapturederror', (e) => gpu.errors.push((e as GPUUncapturedErrorEvent).error.message));
  afterEach(() => {
    const errors = gpu.errors.splice(0);
    expect(errors, `uncaptured WebGPU errors:\n${errors.join('\n')}`).toEqual([]);
  });
  return gpu;
}

/**
 * Under `npm run test:wgpu` (DEEPWIRE_WEBGPU=wgpu) the suite must run on Deno's own WebGPU (wgpu):
 * without this check a Deno lacking navigator.gpu would fall back to the `webgpu` package (Dawn)
 * and pass the wrong implementation's tests.
 */
function checkImplementation(): void {
  if (typeof process === 'undefined' || process.env?.DEEPWIRE_WEBGPU !== 'wgpu') return;
  const deno = (globalThis as { Deno?: unknown }).Deno;
  if (!deno || typeof navigator === 'undefined' || !(navigator as Navigator).gpu)
    throw new Error('npm run test:wgpu must run under Deno with its navigator.gpu (wgpu); this runtime has none: update the `deno` dev dependency');
}
