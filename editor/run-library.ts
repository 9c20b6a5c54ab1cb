/** Recent training runs of any graph, kept in localStorage (the graph keeps its own runs in its file): so a run
 *  of the plain net can be overlaid on the residual one's after the other graph is opened. Storage the
 *  browser refuses (private mode, full) leaves the library to this page. */
import type { TrainingRun } from '../src/index.ts';
import { addToLibrary, isTrainingRun } from './train-runs.ts';

const LIBRARY_KEY = 'deepwire.train-runs';
let memory: TrainingRun[] | null = null;

export function loadLibrary(): TrainingRun[] {
  if (memory) return memory;
  try {
    const raw = JSON.parse(localStorage.getItem(LIBRARY_KEY) ?? '[]') as unknown;
    memory = Array.isArray(raw) ? raw.filter(isTrainingRun) : [];
  } catch {
    memory = [];
  }
  return memory;
}

export function rememberRun(run: TrainingRun): TrainingRun[] {
  memory = addToLibrary(loadLibrary(), run);
  try {
    localStorage.setItem(LIBRARY_KEY, JSON.stringify(memory));
  } catch {
    // Full or refused: the graph still keeps its own runs.
  }
  return memory;
}
