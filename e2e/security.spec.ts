// Everything stays on the person's machine: a whole session (open, edit, run, inspect, open an .onnx,
// share) requests nothing outside the page's own origin and breaks no rule of the page's
// Content-Security-Policy, which forbids eval; share links are capped before and after decompression
// and checked before anything loads.
import { deflateRawSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { findNode, getGraph, loadGraph, openEditor } from './editor-helpers.ts';
import { inceptionModule, noHotReload } from './reliability-helpers.ts';
import { clickRun } from './run-helpers.ts';

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(180_000);

test.beforeEach(async ({ page }) => {
  await noHotReload(page);
  // every CSP violation the page reports, from its first script on
  await page.addInitScript(() => {
    const seen: string[] = ((window as any).__cspViolations = []);
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective}: ${e.blockedURI || e.sample}`));
  });
});

const violations = (page: Page) => page.evaluate(() => (window as any).__cspViolations as string[]);

test('a whole session requests nothing outside its own origin and keeps to the CSP, which forbids eval', async ({ page, context }) => {
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const isForeign = (u: string) => !/^(data|blob):/.test(u) && new URL(u).origin !== origin;
  const foreign: string[] = [];
  const answered: string[] = [];
  context.on('request', (r) => void (isForeign(r.url()) && foreign.push(r.url())));
  context.on('response', (r) => void (isForeign(r.url()) && answered.push(r.url())));
  await openEditor(page);
  await loadGraph(page, inceptionModule());
  await clickRun(page, 1);
  await expect(findNode(page, 'b2_3x3').getByTestId('node-mosaic')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('cmd-share').click();
  await expect(page.getByTestId('message')).toBeVisible();
  await page.getByTestId('open-model').click();
  await page.getByTestId('onnx-input').setInputFiles('src/io/fixtures/tiny-googlenet.onnx');
  await expect(page.getByTestId('message')).toContainText('tiny-googlenet.onnx', { timeout: 60_000 });

  expect(foreign).toEqual([]);
  expect(await violations(page)).toEqual([]);
  // the policy is there, and in force: a foreign image is refused, and protobufjs (which generates its
  // ONNX codecs with new Function, so runs in the model worker only) fails on this page
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self';");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  const probe = await page.evaluate(async () => {
    const img = document.createElement('img');
    img.src = 'https://example.com/pixel.png';
    document.body.append(img);
    const proto = await import(/* @vite-ignore */ `${location.origin}/src/io/onnx-proto.ts`);
    let codegen = 'ran';
    try {
      proto.encodeTensorProto({ name: 'x', dims: [1], dataType: 1, floatData: [1] });
    } catch (e) {
      codegen = (e as Error).name;
    }
    await new Promise((r) => setTimeout(r, 200));
    img.remove();
    return { codegen, violations: (window as any).__cspViolations as string[] };
  });
  expect(probe.codegen).toBe('EvalError');
  expect(probe.violations).toEqual(['img-src: https://example.com/pixel.png', 'script-src: eval']);
  // the image was asked for, and the CSP stopped it before it left the machine
  expect(foreign).toEqual(['https://example.com/pixel.png']);
  expect(answered).toEqual([]);
});

test('share links: too long, a deflate bomb, damaged, or not a graph — each refused with a message, the graph kept', async ({ page }) => {
  await openEditor(page);
  const kept = await getGraph(page);
  const link = (bytes: Buffer) => `/#g=${bytes.toString('base64url')}`;
  const cases: [string, string][] = [
    // longer than any link deepwire makes: refused before decompression
    ['/#g=' + 'A'.repeat(60_001), 'longer than any deepwire makes'],
    // 40 MB of spaces in 40 kB: stops at the cap while inflating
    [link(deflateRawSync(Buffer.alloc(40e6, ' '), { level: 9 })), 'unpacks to more than 4 MB'],
    ['/#g=' + 'not-deflate-data', 'the share link is damaged'],
    // valid JSON, not a graph: the schema check says so
    [link(deflateRawSync(Buffer.from(JSON.stringify({ format: 'deepwire-graph', version: 1, nodes: 'x' })))), 'Could not open the link'],
    [link(deflateRawSync(Buffer.from('{"format": "deepwire-graph", "version": 1, "nodes": ['))), 'Could not open the link'],
  ];
  for (const [url, message] of cases) {
    expect(url.length, message).toBeLessThan(url.startsWith('/#g=AAAA') ? 70_000 : 60_000);
    await page.goto('about:blank');
    await page.goto(url);
    await expect(page.getByTestId('message')).toContainText(message);
    await expect(page.getByTestId('message')).toContainText('Could not open the link');
    expect(await getGraph(page), message).toEqual(kept);
  }
  expect(await violations(page)).toEqual([]);
});
