import { describe, expect, it } from 'vitest';
import { indexImagePaths } from './image-folder-index.ts';

describe('indexImagePaths (image_dataset_from_directory on picked paths)', () => {
  it('classes are the top subfolders, sorted; files sorted by folder then name; non-images and hidden skipped', () => {
    const index = indexImagePaths([
      'dogs/b.jpg', 'cats/z.png', 'cats/a.JPEG', 'cats/sub/0.png', 'cats/notes.txt', '.git/x.png', 'cats/.hidden.png', 'readme.md', 'dogs/a.png',
    ]);
    expect(index.classNames).toEqual(['cats', 'dogs']);
    expect(index.files).toEqual(['cats/a.JPEG', 'cats/z.png', 'cats/sub/0.png', 'dogs/a.png', 'dogs/b.jpg']);
    expect(index.labels).toEqual([0, 0, 0, 1, 1]);
    expect(index.skipped).toEqual(['cats/notes.txt', '.git/x.png', 'cats/.hidden.png', 'readme.md']);
  });
  it('says what is wrong with a folder that has no class subfolders', () => {
    expect(() => indexImagePaths([], 'photos')).toThrow('photos is empty');
    expect(() => indexImagePaths(['a.jpg', 'b.png'], 'photos')).toThrow('photos has no class subfolders with images (it holds 2 images directly)');
  });
  it('refuses BMP and GIF by name, as the CLI does', () => {
    expect(() => indexImagePaths(['cats/a.png', 'cats/b.gif'], 'photos')).toThrow('1 image in photos is BMP or GIF, which deepwire does not decode: cats/b.gif');
  });
});
