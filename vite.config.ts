// The editor's dev server and build: index.html at the repo root, static files from public/, output to dist/.
// WGSL kernels load as strings with Vite's built-in `?raw` suffix.
import { defineConfig } from 'vite';
import { pretrainedModels } from './scripts/pretrained-models.ts';

export default defineConfig({
  root: '.',
  publicDir: 'public',
  // the pretrained models' files, from node_modules/nsfwjs, at /models/ (scripts/pretrained-models.ts)
  plugins: [pretrainedModels()],
  // elkjs's main entry require()s the optional 'web-worker' package, which breaks the build; the bundled
  // entry runs ELK in the page (what the editor's auto-arrange uses).
  resolve: { alias: [{ find: /^elkjs$/, replacement: 'elkjs/lib/elk.bundled.js' }] },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
