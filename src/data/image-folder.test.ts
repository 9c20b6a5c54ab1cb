import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageToTensor } from '../io/image.ts';
import { indexImageFolder, loadImageFolder } from './image-folder.ts';

/** A w×h PNG of one colour. */
const solid = (w: number, h: number, rgb: [number, number, number]) =>
  encodePng({ width: w, height: h, channels: 3, data: Uint8Array.from({ length: w * h * 3 }, (_, i) => rgb[i % 3]) });

const RED: [number, number, number] = [200, 10, 20], GREEN: [number, number, number] = [0, 180, 40], BLUE: [number, number, number] = [5, 6, 250];
const ROCKET = new URL('../../public/samples/rocket.jpg', import.meta.url); // public domain (SpaceX), public/samples/SOURCES.md

let root: string;
const folder = (...parts: string[]) => join(root, ...parts);
async function put(path: string, bytes: Uint8Array | string) {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, bytes);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'deepwire-image-folder-'));
  // dataset/: cats (2 PNGs, a text file), dogs (a PNG in a subfolder, a JPEG photo, a hidden PNG), a hidden folder, a stray file
  await put(folder('dataset', 'cats', 'b.png'), solid(4, 2, RED));
  await put(folder('dataset', 'cats', 'A.PNG'), solid(3, 3, GREEN));
  await put(folder('dataset', 'cats', 'notes.txt'), 'not an image');
  await put(folder('dataset', 'dogs', 'sub', 'c.png'), solid(5, 5, BLUE));
  await put(folder('dataset', 'dogs', 'rocket.jpg'), new Uint8Array(await readFile(ROCKET)));
  await put(folder('dataset', 'dogs', '.d.png'), solid(2, 2, RED));
  await put(folder('dataset', '.git', 'x.png'), solid(2, 2, RED));
  await put(folder('dataset', 'README.md'), '# a set');
  await symlink(folder('dataset', 'cats'), folder('dataset', 'dogs', 'linked-cats')); // a linked folder is not followed
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('indexImageFolder', () => {
  it('finds the classes and files as Keras does: sorted subfolders, hidden ones skipped, images only, sorted walk', async () => {
    const index = await indexImageFolder(folder('dataset'));
    expect(index.classNames).toEqual(['cats', 'dogs']);
    expect(index.files).toEqual([join('cats', 'A.PNG'), join('cats', 'b.png'), join('dogs', '.d.png'), join('dogs', 'rocket.jpg'), join('dogs', 'sub', 'c.png')]);
    expect(index.labels).toEqual([0, 0, 1, 1, 1]);
  });

  it('takes the class names and their order from classNames, a subset of the subfolders', async () => {
    const index = await indexImageFolder(folder('dataset'), ['dogs', 'cats']);
    expect(index.labels).toEqual([0, 0, 0, 1, 1]);
    expect((await indexImageFolder(folder('dataset'), ['cats'])).files).toHaveLength(2);
    await expect(indexImageFolder(folder('dataset'), ['cats', 'birds'])).rejects.toMatchObject({
      message: expect.stringContaining('do not match the subfolders'), hint: 'there is no subfolder "birds"',
    });
  });

  it('says what is wrong with the folder', async () => {
    await expect(indexImageFolder(folder('nowhere'))).rejects.toThrow(`no folder ${folder('nowhere')}`);
    await expect(indexImageFolder(folder('dataset', 'README.md'))).rejects.toThrow('is a file, not a folder');
    await mkdir(folder('empty'));
    await expect(indexImageFolder(folder('empty'))).rejects.toMatchObject({ message: `the folder ${folder('empty')} is empty`, hint: expect.stringContaining('one subfolder per class') });
    await put(folder('flat', 'a.png'), solid(2, 2, RED));
    await put(folder('flat', 'b.jpg'), 'x');
    await expect(indexImageFolder(folder('flat'))).rejects.toThrow(`the folder ${folder('flat')} has no class subfolders (it holds 2 images directly)`);
    await put(folder('textonly', 'a', 'x.txt'), 'x');
    await mkdir(folder('textonly', 'b'));
    await expect(indexImageFolder(folder('textonly'))).rejects.toThrow(`no images in the class subfolders of ${folder('textonly')} (a, b)`);
  });
});

describe('loadImageFolder', () => {
  it('decodes, resizes and labels every image, Keras defaults but the size: raw 0–255, stretched', async () => {
    const d = await loadImageFolder(folder('dataset'), { imageSize: [6, 8], shuffle: false });
    expect(d.x.shape).toEqual([5, 6, 8, 3]);
    expect([...d.y.data]).toEqual([0, 0, 1, 1, 1]);
    expect(d.classNames).toEqual(['cats', 'dogs']);
    const per = 6 * 8 * 3;
    const sample = (i: number) => d.x.data.subarray(i * per, (i + 1) * per);
    // a solid image stays its colour at any size
    for (const [i, rgb] of [[0, GREEN], [1, RED], [4, BLUE]] as const)
      for (let k = 0; k < per; k++) expect(sample(i)[k]).toBeCloseTo(rgb[k % 3], 3);
    // the photo exactly as the single-image path feeds it
    const photo = imageToTensor(new Uint8Array(await readFile(ROCKET)), [6, 8, 3], { resize: 'stretch', preprocess: 'raw' }).tensor;
    expect(sample(3)).toEqual(photo.data);
  });

  it('shuffles the files once with a seed (Keras shuffle=True), labels following their files', async () => {
    const sorted = await loadImageFolder(folder('dataset'), { imageSize: [2, 2], shuffle: false, classNames: ['cats'] });
    const a = await loadImageFolder(folder('dataset'), { imageSize: [2, 2], seed: 1 });
    const b = await loadImageFolder(folder('dataset'), { imageSize: [2, 2], seed: 1 });
    expect(b.files).toEqual(a.files);
    expect([...a.files].sort()).toEqual([...(await indexImageFolder(folder('dataset'))).files].sort());
    expect(a.files).not.toEqual((await indexImageFolder(folder('dataset'))).files);
    a.files.forEach((f, i) => expect(a.y.data[i]).toBe(f.startsWith('cats') ? 0 : 1));
    // the green cat lands where its file went
    const green = a.files.indexOf(join('cats', 'A.PNG'));
    expect(a.x.data[green * 12 + 1]).toBeCloseTo(180, 3);
    expect(sorted.x.data[1]).toBeCloseTo(180, 3);
  });

  it('grayscale and [0, 1]: one channel of Rec. 601 luma / 255', async () => {
    const d = await loadImageFolder(folder('dataset'), { imageSize: [3, 3], colorMode: 'grayscale', preprocess: 'unit', shuffle: false, classNames: ['cats'] });
    expect(d.x.shape).toEqual([2, 3, 3, 1]);
    expect(d.x.data[0]).toBeCloseTo((0.299 * 0 + 0.587 * 180 + 0.114 * 40) / 255, 5);
  });

  it('fails on a damaged image, naming it; refuses BMP and GIF by name; checks the options', async () => {
    await put(folder('bad', 'ok', 'a.png'), solid(2, 2, RED));
    await put(folder('bad', 'broken', 'cut.png'), solid(8, 8, RED).subarray(0, 40));
    await expect(loadImageFolder(folder('bad'), { shuffle: false })).rejects.toMatchObject({
      name: 'OpError', message: expect.stringMatching(/^cannot decode .*broken\/cut\.png: not a PNG or JPEG image: the PNG is damaged/),
    });
    await put(folder('bad', 'broken', 'cut.png'), solid(2, 2, RED));
    await put(folder('bad', 'broken', '._cut.png'), 'Mac OS X metadata');
    await expect(loadImageFolder(folder('bad'))).rejects.toThrow('._cut.png (a macOS "._" metadata file: delete it)');
    await rm(folder('bad', 'broken', '._cut.png'));
    await put(folder('bad', 'broken', 'anim.GIF'), 'GIF89a');
    await expect(loadImageFolder(folder('bad'))).rejects.toMatchObject({
      message: `1 image in ${folder('bad')} is BMP or GIF, which deepwire does not decode: ${join('broken', 'anim.GIF')}`, hint: expect.stringContaining('convert them to PNG or JPEG'),
    });
    await expect(loadImageFolder(folder('dataset'), { imageSize: [0, 5] })).rejects.toThrow('image size [0,5] must be two whole numbers');
    await expect(loadImageFolder(folder('dataset'), { colorMode: 'rgba' as 'rgb' })).rejects.toThrow("unknown color mode 'rgba'");
    await expect(loadImageFolder(folder('dataset'), { imageSize: [100000, 100000] })).rejects.toThrow('more than deepwire loads at once');
  });
});
