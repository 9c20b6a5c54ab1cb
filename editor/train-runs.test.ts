import { describe, expect, it } from 'vitest';
import type { GraphFile, TrainingRun } from '../src/index.ts';
import type { TrainCurves } from './train-chart.ts';
import { TRAIN_DEFAULTS } from './train-options.ts';
import { LIBRARY_RUNS, RUNS_PER_GRAPH, addToLibrary, curvesOf, describeRun, graphRuns, isTrainingRun, recordRun, runChoices, withRun } from './train-runs.ts';

// Two epochs of 3 batches, validated; the second epoch's validation accuracy NaN (a diverged run).
const curves: TrainCurves = {
  batches: [1, 2, 3, 4, 5, 6].map((step) => ({ step, epoch: step <= 3 ? 1 : 2, batch: ((step - 1) % 3) + 1, loss: 2.3 - step * 0.1234567, accuracy: step / 10 })),
  epochs: [
    { step: 3, epoch: 1, loss: 2.0530864, accuracy: 0.2, valLoss: 1.9, valAccuracy: 0.25 },
    { step: 6, epoch: 2, loss: 1.682716, accuracy: 0.5, valLoss: 1.5, valAccuracy: NaN },
  ],
};
const options = { ...TRAIN_DEFAULTS, epochs: 2, stepsPerEpoch: 3, validationSplit: 0.1 };
const facts = (id: string, model = 'fashion-cnn') => ({ id, date: new Date('2026-12-06T12:00:00Z'), model, label: `adam 0.001, batch 32, ${model}`, stopped: false, options, learningRate: 0.001 });
const graph: GraphFile = { format: 'deepwire-graph', version: 1, name: 'fashion-cnn', nodes: [], outputs: [] };

describe('training runs', () => {
  it('record a run as the CLI history does (Keras History, params with each epoch\'s steps, every batch) and give the same curves back', () => {
    const run = recordRun(facts('a'), curves);
    expect(run.params).toMatchObject({ optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 2, validationSplit: 0.1, stepsPerEpoch: 3, steps: [3, 3] });
    expect(run.history.loss).toEqual([2.0531, 1.6827]);
    expect(run.history.val_accuracy).toEqual([0.25, null]); // JSON has no NaN
    expect(run.batches.loss).toHaveLength(6);
    expect(run.date).toBe('2026-12-06T12:00:00.000Z');
    const back = curvesOf(JSON.parse(JSON.stringify(run)) as TrainingRun);
    expect(back.batches.map((b) => [b.step, b.epoch, b.batch])).toEqual(curves.batches.map((b) => [b.step, b.epoch, b.batch]));
    back.batches.forEach((b, i) => expect(b.loss).toBeCloseTo(curves.batches[i].loss, 4));
    expect(back.epochs.map((e) => e.step)).toEqual([3, 6]);
    expect(back.epochs[1].valAccuracy).toBeNaN();
    expect(back.epochs[0].valLoss).toBe(1.9);
  });

  it('leave out the validation keys of a run without validation, as Keras; a stopped run keeps its partial epoch', () => {
    const stopped = recordRun({ ...facts('b'), stopped: true }, {
      batches: curves.batches.slice(0, 4),
      epochs: [{ step: 3, epoch: 1, loss: 2, accuracy: 0.2 }, { step: 4, epoch: 2, loss: 1.9, accuracy: 0.3 }],
    });
    expect(stopped.history.val_loss).toBeUndefined();
    expect(stopped.params.steps).toEqual([3, 1]);
    expect(curvesOf(stopped).batches.at(-1)).toMatchObject({ step: 4, epoch: 2, batch: 1 });
    expect(describeRun(stopped)).toBe('fashion-cnn · adam 0.001, batch 32 · 2 epochs (4 steps), stopped · accuracy 0.3000');
  });

  it('are kept with the graph, the oldest dropped past the limit; bad records in a file are left out', () => {
    let g = graph;
    for (let i = 0; i < RUNS_PER_GRAPH + 2; i++) g = withRun(g, recordRun(facts(`r${i}`), curves));
    expect(graphRuns(g).map((r) => r.id)).toEqual(Array.from({ length: RUNS_PER_GRAPH }, (_, i) => `r${i + 2}`));
    const good = recordRun(facts('ok'), curves);
    const file = { ...graph, training: { runs: [good, { id: 'x' }, { ...good, history: { loss: [1], accuracy: [1] } }, 'junk'] } } as unknown as GraphFile;
    expect(graphRuns(file).map((r) => r.id)).toEqual(['ok']);
    expect(graphRuns({ ...graph, training: 'nonsense' } as unknown as GraphFile)).toEqual([]);
    expect(isTrainingRun(good)).toBe(true);
  });

  it('offer the graph\'s runs and then other graphs\' runs from the library, each once', () => {
    const plain = recordRun(facts('p', 'fashion-plain'), curves), residual = recordRun(facts('r', 'fashion-residual'), curves);
    let library: TrainingRun[] = [];
    for (let i = 0; i < LIBRARY_RUNS + 3; i++) library = addToLibrary(library, recordRun(facts(`l${i}`), curves));
    expect(library).toHaveLength(LIBRARY_RUNS);
    library = addToLibrary(addToLibrary(library, plain), residual);
    expect(runChoices([residual], library).map((r) => r.id).slice(0, 1)).toEqual(['r']);
    expect(runChoices([residual], library).filter((r) => r.id === 'r')).toHaveLength(1);
    expect(runChoices([residual], library).map((r) => r.model)).toContain('fashion-plain');
    expect(describeRun(plain)).toBe('fashion-plain · adam 0.001, batch 32 · 2 epochs (6 steps) · accuracy 0.5000'); // the last val_accuracy was NaN
    expect(describeRun(recordRun(facts('v'), { ...curves, epochs: curves.epochs.slice(0, 1) }))).toContain('val_accuracy 0.2500');
  });
});
