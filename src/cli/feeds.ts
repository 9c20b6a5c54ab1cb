// What run feeds a graph's Input: an .npy (--input), a photo (--image), or seeded random numbers.
import { findZooEntry } from '../models/zoo.ts';
import { nearest } from '../ops/attrs.ts';
import { OpError } from '../ops/op.ts';
import { formatShape, tensor, type Tensor } from '../tensor.ts';
import { readNpy } from '../io/npy.ts';
import { imageToTensor } from '../io/image.ts';
import { isPreprocess, KERAS_APPLICATION_PREPROCESS, PREPROCESS } from '../io/preprocess.ts';
import { isResizeMode, RESIZE_MODES } from '../io/resize.ts';
import type { Flags } from './args.ts';
import { CliError, messageOf, readInput, usageError, type CliIo } from './io.ts';
import type { Loaded } from './load-graph.ts';

/** --input X.npy: exactly the Input's shape (batch 1), or N× it. */
export async function readFeed(file: string, inputName: string, shape: readonly number[], io: CliIo): Promise<Tensor> {
  const bytes = await readInput(file, io, 'input');
  let t: Tensor;
  try {
    t = readNpy(bytes);
  } catch (e) {
    throw new CliError(`cannot read ${file} as .npy: ${messageOf(e)}`, 'save the array with numpy.save(path, x.astype("float32"))');
  }
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (same(t.shape, shape)) return { shape: [1, ...shape], data: t.data };
  if (t.shape.length === shape.length + 1 && t.shape[0] >= 1 && same(t.shape.slice(1), shape)) return t;
  throw new CliError(
    `${file} holds a ${formatShape(t.shape)} array but '${inputName}' takes ${formatShape(shape)} (or N×${formatShape(shape)} for a batch)`,
    'save the array with that shape',
  );
}

/** --resize and --preprocess: known values, and only with --image. */
export function checkImageFlags(flags: Flags): void {
  const known: Record<string, string[]> = { resize: Object.keys(RESIZE_MODES), preprocess: Object.keys(PREPROCESS) };
  for (const [flag, values] of Object.entries(known)) {
    const value = flags[flag] as string | undefined;
    if (value === undefined) continue;
    if (!flags.image) throw usageError(`--${flag} applies to a photo`, `add --image PHOTO, or leave --${flag} out`);
    if (!values.includes(value)) throw usageError(`unknown --${flag} '${value}'`, `${nearest(value, values) ?? ''} use one of ${values.join(', ')}`.trimStart());
  }
}

/** --image PHOTO: decoded, resized and normalised into the Input's N=1 tensor; notes (downscale, EXIF rotation) on stderr. */
export async function imageFeed(flags: Flags, file: string, loaded: Loaded, inputName: string, shape: readonly number[], io: CliIo): Promise<Tensor> {
  const photo = flags.image as string;
  const bytes = await readInput(photo, io, 'photo');
  const resize = (flags.resize as string | undefined) ?? 'crop';
  const zooFamily = /^zoo:/i.test(file) && !loaded.preprocess ? findZooEntry(file).family : undefined;
  const preprocess = (flags.preprocess as string | undefined) ?? loaded.preprocess ?? (zooFamily && KERAS_APPLICATION_PREPROCESS[zooFamily]) ?? 'unit';
  if (!isResizeMode(resize) || !isPreprocess(preprocess)) throw new Error(`unchecked --resize '${resize}' or --preprocess '${preprocess}'`);
  let result;
  try {
    result = imageToTensor(bytes, shape, { resize, preprocess });
  } catch (e) {
    if (e instanceof OpError) throw new CliError(`${photo}: ${e.message}`, e.hint ?? 'use a PNG or JPEG photo');
    throw e;
  }
  for (const note of result.notes) io.stderr(`note: ${photo}: ${note}\n`);
  io.stderr(`note: feeding '${inputName}' ${photo} as ${formatShape(result.tensor.shape)} (resize ${resize}, preprocess ${preprocess})\n`);
  return result.tensor;
}

/** Uniform in [0, 1), from the seed (mulberry32): the same command gives the same numbers. */
export function randomFeed(inputName: string, shape: readonly number[], seed: number, io: CliIo): Tensor {
  const t = tensor([1, ...shape]);
  let s = seed >>> 0;
  for (let i = 0; i < t.data.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    t.data[i] = ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  }
  io.stderr(`note: no --input given: feeding '${inputName}' a pseudo-random ${formatShape(t.shape)} tensor (uniform in [0, 1), seed ${seed})\n`);
  return t;
}
