/** The confusion matrix of a classifier's outputs on labelled images and the images it got wrong, most
 *  confident first (the ones most worth a look). Pure. */
import type { TrainingEvaluation } from '../src/index.ts';

/** Misclassified images kept with a run: thumbnails enough to see a pattern, few enough to keep the graph file small. */
export const MISCLASSIFIED_KEPT = 24;

/**
 * `outputs`: N rows of `classes` scores (probabilities or logits: the largest wins, the first of equals as
 * numpy's argmax); `labels`: N integer classes.
 */
export function confusionOf(outputs: ArrayLike<number>, labels: ArrayLike<number>, classNames: readonly string[], split: TrainingEvaluation['split'],
  keep = MISCLASSIFIED_KEPT): TrainingEvaluation {
  const classes = classNames.length, n = labels.length;
  if (outputs.length !== n * classes)
    throw new Error(`the model gave ${outputs.length} scores for ${n} images of ${classes} classes: its output must have one score per class`);
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const wrong: TrainingEvaluation['misclassified'] = [];
  for (let i = 0; i < n; i++) {
    let predicted = 0;
    for (let c = 1; c < classes; c++) if (outputs[i * classes + c] > outputs[i * classes + predicted]) predicted = c;
    const label = labels[i];
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) throw new Error(`label ${label} of image ${i} is not one of the ${classes} classes`);
    matrix[label][predicted]++;
    if (predicted !== label) wrong.push({ index: i, label, predicted, confidence: Number(outputs[i * classes + predicted].toPrecision(4)) });
  }
  wrong.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return { split, classNames: [...classNames], matrix, misclassified: wrong.slice(0, keep) };
}

/** Share of the images on the diagonal. */
export function accuracyOf(e: TrainingEvaluation): number {
  const total = e.matrix.flat().reduce((a, b) => a + b, 0);
  return total ? e.matrix.reduce((sum, row, i) => sum + row[i], 0) / total : NaN;
}
