// Where Node finds the pretrained model files: in the installed nsfwjs@4.3.0 package (a dev dependency),
// read from disk. The browser fetches the same files instead (fetchModelFiles, served by vite.config.ts).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OpError } from '../ops/op.ts';
import { loadPretrained, PRETRAINED, type ModelFileReader, type PretrainedModel } from './pretrained.ts';

/** The nsfwjs package folder, from Node's own module resolution. */
export function nsfwjsRoot(): string {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('nsfwjs'); // …/nsfwjs/dist/cjs/index.js
  } catch {
    throw new OpError('the pretrained weights ship in the npm package nsfwjs@4.3.0, which is not installed', 'run npm install (or npm i -D nsfwjs@4.3.0 --legacy-peer-deps)');
  }
  return join(dirname(main), '..', '..');
}

/** Reads the files of one model folder (`inception_v3`) from node_modules/nsfwjs/dist/models/. */
export function nodeModelFiles(folder: string): ModelFileReader {
  const dir = join(nsfwjsRoot(), 'dist', 'models', folder);
  return async (file) => {
    try {
      return await readFile(join(dir, file), 'utf8');
    } catch (e) {
      throw new OpError(`cannot read the pretrained model file ${join(dir, file)}: ${(e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message}`, 'reinstall nsfwjs@4.3.0 (npm ci)');
    }
  };
}

/** The pretrained model for `zoo:NAME` (any case), or null when NAME is not one of PRETRAINED. */
export async function loadPretrainedZoo(file: string, options: { inputShape?: number[] } = {}): Promise<PretrainedModel | null> {
  const name = /^zoo:(.+)$/i.exec(file)?.[1];
  const def = name && Object.values(PRETRAINED).find((d) => d.name.toLowerCase() === name.toLowerCase());
  if (!def) return null;
  return loadPretrained(def.name, nodeModelFiles(def.folder), options);
}
