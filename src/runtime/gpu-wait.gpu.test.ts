// The nudged wait (gpu-wait.ts), forced on where it is not needed: it must leave results unchanged,
// submit only while a wait is pending, stop when it settles (resolved or rejected), and not submit at all
// when off. Whether it shortens Firefox's 100 ms waits cannot be measured here (no Firefox with WebGPU).
import { describe, expect, it } from 'vitest';
import { testGpu } from '../testing/gpu.ts';
import { mapForReading, NEEDS_NUDGING, waitNudged, workDone } from './gpu-wait.ts';

const gpu = await testGpu();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!gpu)('waiting on the GPU, nudged', () => {
  /** Counts the device's submits while `f` runs and `settleMs` after. */
  async function countingSubmits<T>(f: () => Promise<T>, settleMs = 30): Promise<{ value: T; during: number; after: number }> {
    const queue = gpu!.device.queue;
    const submit = queue.submit;
    let submits = 0;
    queue.submit = (buffers) => (submits++, submit.call(queue, buffers));
    try {
      const value = await f();
      const during = submits;
      await sleep(settleMs);
      return { value, during, after: submits - during };
    } finally {
      queue.submit = submit;
    }
  }

  /** A 32 MB copy the GPU takes a while over, then its first 16 floats mapped for reading. */
  function slowCopy() {
    const device = gpu!.device;
    const bytes = 32 << 20;
    const source = device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(source, 0, new Float32Array(16).map((_, i) => i * 1.5));
    const middle = device.createBuffer({ size: bytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const staging = device.createBuffer({ size: 64, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, middle, 0, bytes);
    encoder.copyBufferToBuffer(middle, 0, staging, 0, 64);
    device.queue.submit([encoder.finish()]);
    return { staging, release: () => [source, middle, staging].forEach((b) => b.destroy()) };
  }

  it('is off outside Firefox', () => {
    expect(NEEDS_NUDGING).toBe(false);
  });

  it('reads the same values, nudging only while the map is pending', async () => {
    const { staging, release } = slowCopy();
    const { during, after } = await countingSubmits(() => mapForReading(gpu!.device, [staging], true));
    expect([...new Float32Array(staging.getMappedRange())]).toEqual(Array.from({ length: 16 }, (_, i) => i * 1.5));
    staging.unmap();
    release();
    expect(during).toBeGreaterThan(0); // the copy outlasted a task: the loop ran
    expect(after).toBe(0); // and stopped when the map resolved
  });

  it('stops when the wait fails, and passes the failure on', async () => {
    // As a map cancelled or a device lost mid-wait: a wait that fails after 10 ms of nudging.
    const failing = sleep(10).then(() => Promise.reject(new Error('the device was lost')));
    const { value, during, after } = await countingSubmits(() => waitNudged(gpu!.device, failing, true).then(() => 'resolved', (e: Error) => e.message));
    expect(value).toBe('the device was lost');
    expect(during).toBeGreaterThan(0);
    expect(after).toBe(0);
  });

  it('submits nothing when off; onSubmittedWorkDone waits alike', async () => {
    const { staging, release } = slowCopy();
    const off = await countingSubmits(() => mapForReading(gpu!.device, [staging], false));
    staging.unmap();
    const done = await countingSubmits(() => workDone(gpu!.device, true));
    release();
    expect(off.during + off.after).toBe(0);
    expect(done.after).toBe(0);
  });
});
