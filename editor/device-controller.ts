/** The WebGPU device as the status bar reports it: whether an adapter was found, and a compute self-test
 *  on it (y = 2x + 1). A Lit reactive controller: the host re-renders when either changes. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { acquireDevice, runSelfTest } from '../src/index.ts';
import type { DeviceState } from './status-bar.ts';

export class DeviceController implements ReactiveController {
  adapter: DeviceState = { state: 'pending', text: 'Looking for a WebGPU adapter…' };
  selfTest: DeviceState = { state: 'pending', text: 'Compute self-test: waiting for a device.' };

  constructor(private host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  async probe(): Promise<void> {
    const info = await acquireDevice().catch((e: Error) => {
      this.set({ adapter: { state: 'fail', text: `Requesting a WebGPU device failed: ${e.message}` } });
      return undefined;
    });
    if (info === undefined) return;
    if (!info) {
      return this.set({
        adapter: { state: 'fail', text: 'No WebGPU adapter found: use a Chromium-based browser (Chrome 113+) over http://127.0.0.1 or https; on Linux without a GPU start it with --enable-unsafe-webgpu.' },
        selfTest: { state: 'fail', text: 'Compute self-test: not run (no device).' },
      });
    }
    this.set({ adapter: { state: 'ok', text: `WebGPU adapter found: ${info.description}` } });
    try {
      const { input, output, ms } = await runSelfTest(info.device);
      const correct = output.length === input.length && output.every((y, i) => y === 2 * input[i] + 1);
      this.set({
        selfTest: {
          state: correct ? 'ok' : 'fail',
          text: `Compute self-test: y = 2x + 1 over x = 0…${input.length - 1} gave [${[...output.subarray(0, 5)].join(', ')}, …, ${output[output.length - 1]}]: ${correct ? 'correct' : 'WRONG'} (${ms.toFixed(1)} ms)`,
        },
      });
    } catch (e) {
      this.set({ selfTest: { state: 'fail', text: `Compute self-test failed: ${(e as Error).message}` } });
    }
  }

  private set(change: Partial<Pick<DeviceController, 'adapter' | 'selfTest'>>): void {
    Object.assign(this, change);
    this.host.requestUpdate();
  }
}
