// Serves the pretrained model files (node_modules/nsfwjs/dist/models/<folder>/*.min.js) at /models/<folder>/
// in `vite` dev and preview, and copies them into dist/models/ at build: the editor fetches them from
// there (fetchModelFiles in src/models/pretrained.ts). Nothing is copied into public/ or the repository.
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Connect, Plugin } from 'vite';

/** The model folders the editor offers (PRETRAINED's folders) and the only file names served from them. */
const FOLDERS = ['inception_v3', 'mobilenet_v2'];
const FILE = /^(model|group\d+-shard\d+of\d+)\.min\.js$/;

function modelsRoot(): string | null {
  try {
    const main = createRequire(import.meta.url).resolve('nsfwjs'); // …/nsfwjs/dist/cjs/index.js
    return join(dirname(main), '..', 'models');
  } catch {
    return null;
  }
}

/** The file for a request path `/models/<folder>/<file>`, or null when it is not one of the model files. */
function resolveModelFile(root: string, url: string): string | null {
  const m = /^\/models\/([a-z0-9_]+)\/([^/?#]+)/.exec(url);
  if (!m || !FOLDERS.includes(m[1]) || !FILE.test(m[2])) return null;
  const path = join(root, m[1], m[2]);
  return existsSync(path) ? path : null;
}

export function pretrainedModels(): Plugin {
  const root = modelsRoot();
  const serve: Connect.NextHandleFunction = (req, res, next) => {
    const path = root && req.url ? resolveModelFile(root, req.url) : null;
    if (!path) return next();
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'max-age=31536000, immutable'); // nsfwjs is pinned: the files never change
    createReadStream(path).pipe(res);
  };
  return {
    name: 'deepwire-pretrained-models',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
    generateBundle() {
      if (!root) return this.warn('nsfwjs is not installed: the build has no pretrained models (npm ci installs it)');
      for (const folder of FOLDERS)
        for (const file of readdirSync(join(root, folder)).filter((f) => FILE.test(f)))
          this.emitFile({ type: 'asset', fileName: `models/${folder}/${file}`, source: readFileSync(join(root, folder, file)) });
    },
  };
}
