// acquireDevice in Chromium (navigator.gpu; SwiftShader on a machine without a GPU): a device that really computes.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../testing/gpu.ts';
import { describeDevice } from './device-suite.ts';

const gpu = await testGpu();

describeDevice('browser, navigator.gpu', gpu);

describe('the browser suite', () => {
  it('runs in a browser with navigator.gpu (testGpu throws, never skips, without it)', () => {
    expect(typeof window).toBe('object');
    expect(navigator.userAgent).toMatch(/Chrome\//);
    expect(navigator.gpu).toBeDefined();
    expect(gpu).not.toBeNull();
  });
});
