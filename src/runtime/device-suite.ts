// The device checks both the Node (Dawn) and the browser (navigator.gpu) suites run: a device with
// the adapter's maxima that really computes, bit-exact.
import { describe, expect, it } from 'vitest';
import type { TestGpu } from '../testing/gpu.ts';
import { runSelfTest } from './self-test.ts';

export function describeDevice(where: string, gpu: TestGpu | null): void {
  describe.skipIf(!gpu)(`acquireDevice (${where})`, () => {
    it('opens a device with the adapter\'s maximum limits', () => {
      const { device, adapter, description } = gpu!;
      expect(description).not.toBe('unknown adapter');
      expect(device.limits.maxStorageBufferBindingSize).toBe(adapter.limits.maxStorageBufferBindingSize);
      expect(device.limits.maxComputeWorkgroupsPerDimension).toBe(adapter.limits.maxComputeWorkgroupsPerDimension);
    });

    it('runs a compute shader: y = 2x + 1 over 1000 values, bit-exact', async () => {
      const { input, output } = await runSelfTest(gpu!.device);
      expect(output.length).toBe(1000);
      expect(Array.from(output.subarray(0, 4))).toEqual([1, 3, 5, 7]);
      expect(output[999]).toBe(1999); // the last, partial workgroup ran too
      expect(Array.from(output)).toEqual(Array.from(input, (v) => 2 * v + 1));
    });

    it('handles an input that is not a multiple of the workgroup size', async () => {
      const { output } = await runSelfTest(gpu!.device, new Float32Array([-1.5, 0.25, 1e6]));
      expect(Array.from(output)).toEqual([-2, 1.5, 2000001]);
    });
  });
}
