// Three suites: unit (Node, CPU), gpu (Node, Dawn + SwiftShader), browser (Chromium, WebGPU).
// End-to-end tests are Playwright's (playwright.config.ts). `npm test` runs all four.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, chromiumPath, useSwiftShaderInNode } from './scripts/gpu-env.mjs';

// Set in the main process so that every worker inherits it (test.env reaches forks only).
useSwiftShaderInNode();

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        // The editor's pure modules (graph edits, groups, feeds, the key map, weight clean-up) are tested here too, in Node.
        // The 5 s default is too tight for the model-sized tests on two busy cores (seen: 6.5 s at load 7).
        test: { name: 'unit', include: ['src/**/*.test.ts', 'editor/**/*.test.ts'], exclude: ['src/**/*.gpu.test.ts', 'src/**/*.browser.test.ts'], environment: 'node', testTimeout: 30_000 },
      },
      {
        extends: true,
        // One fork: SwiftShader already uses every core; parallel GPU files would only thrash.
        // The CLI's autotune on first use writes its cache here, not in the user's ~/.cache.
        test: {
          name: 'gpu', include: ['src/**/*.gpu.test.ts'], environment: 'node', pool: 'forks', fileParallelism: false, testTimeout: 120_000, hookTimeout: 120_000,
          env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'deepwire-test-cache-')) },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
