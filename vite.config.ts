// The editor's dev server and build: index.html at the repo root, static files from public/, output to dist/.
// WGSL kernels load as strings with Vite's built-in `?raw` suffix.
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { pretrainedModels } from './scripts/pretrained-models.ts';
import { sitePolicy } from './scripts/site-policy.ts';

export default defineConfig({
  root: '.',
  publicDir: 'public',
  plugins: [
    // the pretrained models' files, from node_modules/nsfwjs, at /models/ (scripts/pretrained-models.ts)
    pretrainedModels(),
    // index.html's Content-Security-Policy also as a header: `vite preview` and dist/_headers
    sitePolicy(),
    // The built site works offline: a Workbox service worker precaches everything it serves (the app,
    // the pretrained models, samples and datasets: ~40 MB, fetched once). 'prompt': a new version waits
    // for the user's Reload (editor/update-banner.ts registers it; no inline script, for the CSP).
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{html,js,css,wasm,json,png,jpg,jpeg,npy,bin,gz,md}', '**/LICENSE'],
        // The editor's bundle (2.3 MB) and the model shards (4 MB each) are above Workbox's 2 MiB default.
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  // elkjs's main entry require()s the optional 'web-worker' package, which breaks the build; the bundled
  // entry runs ELK in the page (what the editor's auto-arrange uses).
  resolve: { alias: [{ find: /^elkjs$/, replacement: 'elkjs/lib/elk.bundled.js' }] },
  // The dev server's dependency scan starts from the editor's page only: examples/library/ imports the packed
  // `deepwire`, which is not installed here; a failed scan skips pre-bundling, and the optimizer's late
  // discoveries then reload the page in the middle of whatever it was doing.
  optimizeDeps: { entries: ['index.html'] },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
