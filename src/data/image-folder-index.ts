// The browser-safe half of an image folder (keras.utils.image_dataset_from_directory, labels='inferred'):
// Keras' rules for which files are images and which subfolders are classes, applied to a list of paths
// relative to the folder picked. Pure (no Node modules): the CLI walks the disk (image-folder.ts), the
// editor gets the same paths from the directory picker or <input webkitdirectory> and indexes them here.
import { OpError } from '../ops/op.ts';

/** The extensions deepwire decodes (PNG, JPEG). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;
/** Image extensions Keras reads that deepwire does not decode: refused, not skipped. */
export const UNDECODED_EXTENSIONS = ['.bmp', '.gif'] as const;
export const KERAS_EXTENSIONS = [...IMAGE_EXTENSIONS, ...UNDECODED_EXTENSIONS];
export const IMAGE_FOLDER_LAYOUT_HINT = 'put the images in one subfolder per class: DIR/cats/001.jpg, DIR/dogs/001.jpg, …';

export const hasExtension = (name: string, list: readonly string[]): boolean => list.some((e) => name.toLowerCase().endsWith(e));

/** Python's sorted() on str: by code point (JS's default sort is by UTF-16 unit; they differ only past U+FFFF). */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ImagePathIndex {
  classNames: string[];
  /** The paths given, class by class, sorted as Keras sorts them (by folder, then name). */
  files: string[];
  labels: number[];
  /** Files skipped: not an image by their extension, hidden, or directly in the folder (no class). */
  skipped: string[];
}

/**
 * Classes and image files from paths relative to the picked folder ("cats/001.jpg", "cats/more/002.png"):
 * each top-level subfolder not starting with "." is a class (sorted); a class's images are the files
 * under it with an image extension, sorted by folder then name. BMP and GIF are refused by name, as the
 * CLI refuses them; `what` names the folder in messages.
 */
export function indexImagePaths(paths: readonly string[], what = 'the folder'): ImagePathIndex {
  const byClass = new Map<string, string[]>();
  const skipped: string[] = [];
  for (const path of paths) {
    const parts = path.split('/').filter(Boolean);
    const hidden = parts.some((p) => p.startsWith('.'));
    if (parts.length < 2 || hidden || !hasExtension(path, KERAS_EXTENSIONS)) {
      skipped.push(path);
      continue;
    }
    if (!byClass.has(parts[0])) byClass.set(parts[0], []);
    byClass.get(parts[0])!.push(parts.join('/'));
  }
  if (byClass.size === 0) {
    const loose = paths.filter((p) => !p.includes('/') && hasExtension(p, KERAS_EXTENSIONS)).length;
    throw new OpError(paths.length === 0 ? `${what} is empty`
      : `${what} has no class subfolders with images${loose ? ` (it holds ${loose} image${loose === 1 ? '' : 's'} directly)` : ''}`, IMAGE_FOLDER_LAYOUT_HINT);
  }
  const undecoded = [...byClass.values()].flat().filter((f) => hasExtension(f, UNDECODED_EXTENSIONS));
  if (undecoded.length)
    throw new OpError(`${undecoded.length} image${undecoded.length === 1 ? '' : 's'} in ${what} ${undecoded.length === 1 ? 'is' : 'are'} BMP or GIF, which deepwire does not decode: ${listPaths(undecoded)}`,
      'convert them to PNG or JPEG (Keras reads BMP and GIF too; deepwire decodes PNG and JPEG)');
  const classNames = [...byClass.keys()].sort(comparePaths);
  const files: string[] = [], labels: number[] = [];
  const folderThenName = (a: string, b: string) => {
    const cut = (p: string) => [p.slice(0, p.lastIndexOf('/')), p.slice(p.lastIndexOf('/') + 1)];
    const [fa, na] = cut(a), [fb, nb] = cut(b);
    return comparePaths(fa, fb) || comparePaths(na, nb);
  };
  for (const [label, name] of classNames.entries())
    for (const file of byClass.get(name)!.sort(folderThenName)) {
      files.push(file);
      labels.push(label);
    }
  return { classNames, files, labels, skipped };
}

export function listPaths(files: readonly string[]): string {
  return files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');
}
