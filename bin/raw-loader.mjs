// Node module hooks: `import text from './kernel.wgsl?raw'` yields the file's text as the default
// export, as Vite does in the browser and in Vitest. Registered by bin/register.mjs.
import { readFile } from 'node:fs/promises';

export async function resolve(specifier, context, nextResolve) {
  if (!specifier.endsWith('?raw')) return nextResolve(specifier, context);
  // Resolve relative to the importer ourselves: the TypeScript resolver would try to add extensions.
  return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  const parsed = new URL(url);
  if (parsed.search !== '?raw') return nextLoad(url, context);
  parsed.search = '';
  const text = await readFile(parsed, 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
