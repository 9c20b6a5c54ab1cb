// The end-to-end smoke subset against the production build (`npm run build`, served by `vite preview`
// as a static host would): the page, a run and its maps, a model, offline reload, no development-only
// console output, the CSP header. `npm test` builds the site first (scripts/test.mjs).
import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

const PORT = Number(process.env.E2E_BUILT_PORT ?? 4199);

export default defineConfig({
  ...base,
  testDir: 'e2e/built',
  testIgnore: [],
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
