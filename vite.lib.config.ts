// deepwire as a library (`npm run build:lib`): the public entries src/lib/browser.ts and src/lib/node.ts
// built as ES modules to dist/lib/, the WGSL kernels inlined as strings (Vite's `?raw`), the runtime
// dependencies (package.json "dependencies") and Node's built-ins left to the user's resolver. The
// editor's site (vite.config.ts) empties dist/ when it builds: build it first (`npm run build` does).
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const dependencies = Object.keys(JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).dependencies);

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    target: 'es2022',
    // A library is minified by the app that bundles it; readable code and source maps help its users debug.
    minify: false,
    sourcemap: true,
    lib: {
      entry: { browser: 'src/lib/browser.ts', node: 'src/lib/node.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: (id) => id.startsWith('node:') || dependencies.some((d) => id === d || id.startsWith(`${d}/`)),
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
