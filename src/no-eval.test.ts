// No eval or new Function in deepwire's own code (the editor page's Content-Security-Policy forbids both;
// e2e/security.spec.ts shows the page runs under it). Dependencies are the CSP's business: protobufjs
// generates its ONNX codecs with Function, which is why ONNX files are decoded in the model worker.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const CODE = /\.(ts|mjs|js)$/;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? files(path) : CODE.test(name) ? [path] : [];
  });
}

it('no eval, new Function or string timers in src/, editor/, bin/, scripts/ and bench/', () => {
  const all = ['src', 'editor', 'bin', 'scripts', 'bench'].flatMap(files);
  expect(all.length).toBeGreaterThan(100);
  const found = all.flatMap((path) => readFileSync(join(ROOT, path), 'utf8').split('\n').flatMap((line, i) =>
    // `model.eval()` in a message is PyTorch, not a call here
    /(?<![.\w$])eval\s*\(|\bnew\s+Function\s*\(|(?<![.\w$])Function\s*\(\s*['"`]|set(Timeout|Interval)\s*\(\s*['"`]/.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : []));
  expect(found).toEqual([]);
});
