/** Where the Train panel's data sets come from: the built-in Fashion-MNIST subset, and (data-controller.ts)
 *  the user's class sets, image folders and the full Fashion-MNIST picked as files. */
import type { ClassDataset, GraphReport } from '../src/index.ts';
import { BUILTIN_DATASETS, loadBuiltinDataset } from './builtin-data.ts';

export interface DatasetEntry {
  /** What the panel's select and window.deepwire.fit({ dataset }) name it by. */
  id: string;
  label: string;
}

/** A data set's training samples and, where it has one (Fashion-MNIST), its test split. */
export interface LoadedDataset {
  train: ClassDataset;
  test: ClassDataset | null;
}

export interface DatasetSource {
  list(): DatasetEntry[];
  /** The samples for `report`'s graph (a picture set is resized to its Input). */
  load(id: string, report: GraphReport): Promise<LoadedDataset>;
}

export const BUILTIN_SOURCE: DatasetSource = {
  list: () => BUILTIN_DATASETS.map((d) => ({ id: d.id, label: d.label })),
  load: async (id) => {
    if (id !== 'fashion-mnist') throw new Error(`no data set '${id}'`);
    const { train, test } = await loadBuiltinDataset(id);
    return { train, test };
  },
};
