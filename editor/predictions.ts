/** What window.deepwire.predict() gives: the model's output for the input's first image and its top classes,
 *  named with the graph's class names (set when the editor trained it on a classification set). Pure. */
import { topIndices } from '../src/index.ts';

export interface Prediction {
  /** The output's values for the first image (probabilities after a softmax). */
  values: number[];
  /** The k largest, largest first; `name` null when the graph has no class names. */
  top: { index: number; name: string | null; value: number }[];
}

export function topClasses(output: { shape: readonly number[]; data: ArrayLike<number> }, classNames: readonly string[] | undefined, k = 5): Prediction {
  const per = output.data.length / Math.max(1, output.shape[0]);
  const values = Array.from({ length: per }, (_, i) => output.data[i]);
  return { values, top: topIndices(values, Math.min(k, per)).map((index) => ({ index, name: classNames?.[index] ?? null, value: values[index] })) };
}
