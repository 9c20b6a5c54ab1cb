// Export ▸ PyTorch from the toolbar: the page downloads NAME.py and its weights NAME.npz, and PyTorch
// (Debian's python3-torch, where installed) loads them and runs the module on an N×H×W×C .npy.
import { expect, test, type Download } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEditor } from './editor-helpers.ts';
import { writeNpy } from '../src/io/npy.ts';
import { tensor } from '../src/tensor.ts';
import { runPython, torchPython } from '../src/testing/torch.ts';

test('Export ▸ PyTorch downloads the module and its weights, which PyTorch runs', async ({ page }) => {
  await openEditor(page);
  await page.getByTestId('cmd-export').click();
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('cmd-export-pytorch').click();
  await expect.poll(() => downloads.length).toBe(2);
  await expect(page.getByTestId('cmd-export-pytorch')).toHaveCount(0); // the menu closed
  const dir = mkdtempSync(join(tmpdir(), 'deepwire-e2e-export-'));
  const files = await Promise.all(downloads.map(async (download) => {
    await download.saveAs(join(dir, download.suggestedFilename()));
    return download.suggestedFilename();
  }));
  expect(files).toEqual(['inception_3a.py', 'inception_3a.npz']);
  const script = readFileSync(join(dir, 'inception_3a.py'), 'utf8');
  expect(script).toContain('class Inception3a(nn.Module):');
  await expect(page.getByTestId('message')).toContainText('Exported inception_3a.py (class Inception3a, 7 layers) and its weights inception_3a.npz');

  const python = torchPython();
  test.skip(!python, 'no Python with torch: apt-get install python3-torch');
  writeFileSync(join(dir, 'x.npy'), writeNpy(tensor([1, 28, 28, 192], Float32Array.from({ length: 28 * 28 * 192 }, (_, i) => Math.sin(i)))));
  expect(runPython(python!, ['inception_3a.py', 'x.npy', 'y.npy'], dir)).toBe('y.npy: 1×28×28×256\n');
});
