// A data set as two NumPy files, np.save('X.npy', x_train) and np.save('Y.npy', y_train): the pair
// `model.fit(x, y)` takes in Keras. X is [N, ...sample] (N×H×W×C for a conv net, N×features for a dense
// one), Y is [N] class indices or [N, K] one-hot / regression targets. Read with src/io/npy.ts (any numeric
// dtype → float32). npyPair is pure (bytes in); loadNpyPair reads the files in Node.
import { readFile } from 'node:fs/promises';
import { readNpy } from '../io/npy.ts';
import { OpError } from '../ops/op.ts';
import type { Tensor } from '../tensor.ts';
import { checkDataset, type Dataset } from './dataset.ts';

/** X and Y from the bytes of two .npy files; `names` (the file names) go into the error messages. */
export function npyPair(xBytes: Uint8Array, yBytes: Uint8Array, names = { x: 'X.npy', y: 'Y.npy' }): Dataset {
  const x = parse(xBytes, names.x), y = parse(yBytes, names.y);
  return checkDataset(x, y, names);
}

/** Reads X.npy and Y.npy from disk (Node). */
export async function loadNpyPair(xPath: string, yPath: string): Promise<Dataset> {
  const [xBytes, yBytes] = await Promise.all([xPath, yPath].map(read));
  return npyPair(xBytes, yBytes, { x: xPath, y: yPath });
}

async function read(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    throw new OpError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? (e as Error)?.message}`, 'save the arrays with np.save("X.npy", x) and np.save("Y.npy", y)');
  }
}

function parse(bytes: Uint8Array, name: string): Tensor {
  try {
    return readNpy(bytes);
  } catch (e) {
    throw new OpError(`${name}: ${(e as Error)?.message ?? e}`, 'save the array with np.save (float, int, uint or bool, C order)');
  }
}
