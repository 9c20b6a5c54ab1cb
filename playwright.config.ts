// End-to-end tests: the real page in the system's Chromium (WebGPU through SwiftShader when there is no
// GPU), served by Vite on a port of its own so a running `npm start` is never mistaken for it.
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/gpu-env.mjs';

// E2E_PORT lets two runs share a machine (each gets its own Vite).
const PORT = Number(process.env.E2E_PORT ?? 5199);

export default defineConfig({
  testDir: 'e2e',
  // e2e/built/ runs against the production build (playwright.built.config.ts).
  testIgnore: 'built/**',
  // Two cores: SwiftShader already keeps both busy.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
