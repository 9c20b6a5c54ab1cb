// Serves the example page from this repository: `npx vite examples/library` (or `npx vite build
// examples/library` and `npx vite preview examples/library`). `deepwire` is the library's source
// here; an app that installed the package resolves it from node_modules and needs no alias.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: { alias: { deepwire: fileURLToPath(new URL('../../src/lib/browser.ts', import.meta.url)) } },
  server: { host: '127.0.0.1', fs: { allow: ['../..'] } },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022' },
});
