// A folder of images, one subfolder per class, as keras.utils.image_dataset_from_directory reads it
// (labels='inferred', label_mode='int'): the classes are the subfolders, sorted (hidden ones skipped),
// or `classNames` in the order given (a subset of them); each class's files are found by a walk of its
// subfolder that does not follow linked folders, sorted by folder then name, keeping the names ending
// in .png, .jpg, .jpeg (any case) and skipping every other file. Each image is decoded with
// src/io/image.ts, resized with src/io/resize.ts and scaled with src/io/preprocess.ts into one tensor.
//
// As Keras: image size 256×256 by default, resized by stretching (Keras' crop_to_aspect_ratio=False;
// 'crop' is crop_to_aspect_ratio=True, 'letterbox' pad_to_aspect_ratio=True), values 0–255 ('raw'; the
// model rescales), file order shuffled (shuffle=True) — with a seed, 0 by default, where Keras draws one.
// A file that fails to decode stops the load with its path, as TensorFlow's decode does; Keras also
// reads .bmp and .gif, which deepwire does not decode, so those are refused by name before decoding.
// Unlike Keras: EXIF orientation is applied, transparency composited on white, the resize is PIL's
// antialiased bilinear (tf.image.resize's bilinear is not antialiased), grayscale is Rec. 601 luma.
//
// Everything is decoded up front into one float32 [N, H, W, C] tensor (Keras streams from disk), so
// the set must fit in memory: MAX_IMAGE_FOLDER_BYTES.
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { decodeImage } from '../io/image.ts';
import { preprocessPicture, type Preprocess } from '../io/preprocess.ts';
import { resizePicture, type ResizeMode } from '../io/resize.ts';
import { OpError } from '../ops/op.ts';
import { formatShape } from '../tensor.ts';
import { permutation } from './batch.ts';
import {
  IMAGE_EXTENSIONS, IMAGE_FOLDER_LAYOUT_HINT, KERAS_EXTENSIONS, UNDECODED_EXTENSIONS, comparePaths, hasExtension, listPaths,
} from './image-folder-index.ts';
import type { ClassDataset } from './dataset.ts';

export { IMAGE_EXTENSIONS, UNDECODED_EXTENSIONS } from './image-folder-index.ts';
/** The most the decoded set may take as float32: 2 GiB. */
export const MAX_IMAGE_FOLDER_BYTES = 2 ** 31;

export interface ImageFolderOptions {
  /** [height, width]; Keras' default (256, 256). */
  imageSize?: [number, number];
  /** 'rgb' (3 channels, the default) or 'grayscale' (1). */
  colorMode?: 'rgb' | 'grayscale';
  /** How the aspect ratio is handled; default 'stretch' as Keras. */
  resize?: ResizeMode;
  /** Pixel scaling; default 'raw' (0–255) as Keras. 'unit' is [0, 1]; caffe, tf, torch as keras.applications. */
  preprocess?: Preprocess;
  /** The classes and their order (label = index); a subset of the subfolders. Default: all, sorted. */
  classNames?: string[];
  /** Shuffle the file order once, seeded (Keras' shuffle=True); false keeps class by class, sorted. */
  shuffle?: boolean;
  seed?: number;
}

export interface ImageFolderDataset extends ClassDataset {
  /** Each sample's file, relative to the folder (`cats/img001.jpg`), in sample order. */
  files: string[];
}

export interface ImageFolderIndex {
  classNames: string[];
  /** Paths relative to the folder, class by class, sorted as Keras sorts them (before any shuffle). */
  files: string[];
  labels: number[];
}

const LAYOUT_HINT = IMAGE_FOLDER_LAYOUT_HINT;
const compare = comparePaths;
const list = listPaths;

/** Finds the classes and their image files (Keras' index_directory with labels='inferred', unshuffled). */
export async function indexImageFolder(dir: string, classNames?: string[]): Promise<ImageFolderIndex> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT') throw new OpError(`no folder ${dir}`, LAYOUT_HINT);
    if (code === 'ENOTDIR') throw new OpError(`${dir} is a file, not a folder`, LAYOUT_HINT);
    throw new OpError(`cannot read the folder ${dir}: ${code ?? (e as Error)?.message}`);
  }
  const subdirs: string[] = [];
  for (const e of entries.sort((a, b) => compare(a.name, b.name)))
    if (!e.name.startsWith('.') && (await isDirectory(join(dir, e.name), e))) subdirs.push(e.name);
  if (subdirs.length === 0) {
    const images = entries.filter((e) => hasExtension(e.name, KERAS_EXTENSIONS)).length;
    if (entries.length === 0) throw new OpError(`the folder ${dir} is empty`, LAYOUT_HINT);
    throw new OpError(`the folder ${dir} has no class subfolders${images ? ` (it holds ${images} image${images === 1 ? '' : 's'} directly)` : ''}`, LAYOUT_HINT);
  }
  let classes = subdirs;
  if (classNames) {
    const unknown = classNames.filter((c) => !subdirs.includes(c));
    if (unknown.length || new Set(classNames).size !== classNames.length || classNames.length === 0)
      throw new OpError(`the class names ${JSON.stringify(classNames)} do not match the subfolders of ${dir}: ${JSON.stringify(subdirs)}`,
        unknown.length ? `there is no subfolder ${unknown.map((u) => JSON.stringify(u)).join(', ')}` : 'name each class once, a subset of the subfolders');
    classes = [...classNames];
  }
  const files: string[] = [], labels: number[] = [];
  for (const [label, name] of classes.entries())
    for (const file of await walk(join(dir, name))) {
      files.push(relative(dir, file));
      labels.push(label);
    }
  if (files.length === 0)
    throw new OpError(`no images in the class subfolders of ${dir} (${classes.join(', ')})`, `the images need one of the extensions ${IMAGE_EXTENSIONS.join(', ')}`);
  return { classNames: classes, files, labels };
}

async function isDirectory(path: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/** os.walk(top) without following linked folders, sorted by folder, then each folder's files by name, images only. */
async function walk(top: string): Promise<string[]> {
  const folders: { root: string; files: string[] }[] = [];
  const visit = async (root: string): Promise<void> => {
    const entries = await readdir(root, { withFileTypes: true });
    const files: string[] = [];
    for (const e of entries) {
      const path = join(root, e.name);
      if (e.isDirectory()) await visit(path);
      else if (!(e.isSymbolicLink() && (await isDirectory(path, e))) && hasExtension(e.name, KERAS_EXTENSIONS)) files.push(e.name);
    }
    folders.push({ root, files: files.sort(compare) });
  };
  await visit(top);
  return folders.sort((a, b) => compare(a.root, b.root)).flatMap((f) => f.files.map((name) => join(f.root, name)));
}

/** Loads the folder as one data set: x [N, H, W, C] float32, y [N] class indices, and each sample's file. */
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageFolderDataset> {
  const { imageSize = [256, 256], colorMode = 'rgb', resize = 'stretch', preprocess = 'raw', shuffle = true, seed = 0 } = options;
  const [H, W] = imageSize;
  if (![H, W].every((d) => Number.isInteger(d) && d >= 1)) throw new OpError(`image size ${JSON.stringify(imageSize)} must be two whole numbers ≥ 1 (height, width)`);
  if (colorMode !== 'rgb' && colorMode !== 'grayscale') throw new OpError(`unknown color mode '${colorMode}'`, "use 'rgb' or 'grayscale'");
  const C = colorMode === 'rgb' ? 3 : 1;

  const index = await indexImageFolder(dir, options.classNames);
  const undecoded = index.files.filter((f) => hasExtension(f, UNDECODED_EXTENSIONS));
  if (undecoded.length)
    throw new OpError(`${undecoded.length} image${undecoded.length === 1 ? '' : 's'} in ${dir} ${undecoded.length === 1 ? 'is' : 'are'} BMP or GIF, which deepwire does not decode: ${list(undecoded)}`,
      'convert them to PNG or JPEG (Keras reads BMP and GIF too; deepwire decodes PNG and JPEG)');
  const N = index.files.length, per = H * W * C;
  if (N * per * 4 > MAX_IMAGE_FOLDER_BYTES)
    throw new OpError(`${N} images of ${formatShape([H, W, C])} take ${(N * per * 4 / 2 ** 30).toFixed(1)} GiB as float32, more than deepwire loads at once (${MAX_IMAGE_FOLDER_BYTES / 2 ** 30} GiB)`,
      'choose a smaller image size, or fewer images');

  const order = shuffle ? permutation(N, seed, 'image_dataset_from_directory') : null;
  const files = order ? Array.from(order, (i) => index.files[i]) : index.files;
  const labels = order ? Array.from(order, (i) => index.labels[i]) : index.labels;
  const x = new Float32Array(N * per);
  for (let i = 0; i < N; i++) {
    const path = join(dir, files[i]);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new OpError(`cannot read ${path}: ${(e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message}`);
    }
    x.set(imageSample(bytes, path, [H, W, C], resize, preprocess), i * per);
  }
  return { x: { shape: [N, H, W, C], data: x }, y: { shape: [N], data: Float32Array.from(labels) }, classNames: index.classNames, files };
}

/** One image file → its H×W×C sample, preprocessed (pure: usable on bytes a page read). Errors name the file. */
export function imageSample(bytes: Uint8Array, name: string, [H, W, C]: [number, number, number], resize: ResizeMode = 'stretch', preprocess: Preprocess = 'raw'): Float32Array {
  let picture;
  try {
    picture = decodeImage(bytes).picture;
  } catch (e) {
    const appleDouble = basename(name).startsWith('._') ? ' (a macOS "._" metadata file: delete it)' : '';
    throw new OpError(`cannot decode ${name}${appleDouble}: ${(e as Error)?.message ?? e}`, 'remove the file or replace it with a PNG or JPEG');
  }
  return preprocessPicture(resizePicture(picture, W, H, resize), C, preprocess).data;
}
