// Waiting on the GPU where the browser notices finished work only on a timer. Firefox's WebGPU polls
// its GPU process every 100 ms (Mozilla bug 1870699, "Don't poll WebGPU from a timer"), so every
// readback, and every run, would take ~100 ms however little the GPU did. A submit makes it poll, so
// while a wait is pending an empty command list goes in every millisecond, checked on every task for
// 20 ms, then every 5 ms, for at most 1 s (a lost device never answers). jax-js measured waits of
// ~1.4 ms on Firefox this way (its src/backend/webgpu/firefoxPoll.ts); nudging on every task floods
// the IPC channel. Elsewhere (Chromium polls every few ms and whenever commands arrive; Dawn and wgpu
// in Node and Deno) the wait is awaited as it is.

const NUDGE_EVERY_MS = 1;
const CHECK_EVERY_TASK_MS = 20;
const BACKOFF_MS = 5;
const GIVE_UP_MS = 1000;

/** Whether this runtime's WebGPU needs nudging: Firefox's (Gecko's) in a page or worker. */
export const NEEDS_NUDGING = typeof navigator !== 'undefined' && /\bFirefox\//.test(navigator.userAgent ?? '');

/** `mapAsync(READ)` on every buffer, nudged where the browser polls on a timer (see above). */
export function mapForReading(device: GPUDevice, buffers: GPUBuffer[], nudge = NEEDS_NUDGING): Promise<void> {
  return waitNudged(device, Promise.all(buffers.map((b) => b.mapAsync(GPUMapMode.READ))).then(() => undefined), nudge);
}

/** `queue.onSubmittedWorkDone()`, nudged likewise. */
export function workDone(device: GPUDevice, nudge = NEEDS_NUDGING): Promise<void> {
  return waitNudged(device, device.queue.onSubmittedWorkDone(), nudge);
}

/** Resolves (or rejects) as `wait` does, submitting empty command lists meanwhile when `nudge`. */
export async function waitNudged(device: GPUDevice, wait: Promise<void>, nudge: boolean): Promise<void> {
  if (!nudge) return wait;
  let settled = false;
  const tracked = wait.finally(() => (settled = true));
  tracked.catch(() => undefined); // awaited below; its rejection is the caller's
  await nextTask(); // an answer already on its way costs no submit
  const start = performance.now();
  let nudged = -Infinity;
  while (!settled) {
    const now = performance.now();
    if (now - start >= GIVE_UP_MS) break;
    if (now - nudged >= NUDGE_EVERY_MS) {
      nudged = now;
      device.queue.submit([device.createCommandEncoder().finish()]);
    }
    await (now - start < CHECK_EVERY_TASK_MS ? nextTask() : new Promise((r) => setTimeout(r, BACKOFF_MS)));
  }
  return tracked;
}

/** The next task, without setTimeout's 4 ms clamp on nested timers. */
function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(0);
  });
}
