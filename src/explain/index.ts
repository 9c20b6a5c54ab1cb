// "Explain this value": what one output value of a node is made of (src/explain/explain.ts).
export { EXPLAINED_OPS, explainFromRun, explainNeeds, explains, explainValue, notCovered } from './explain.ts';
export { explanationText, statisticsLabel } from './text.ts';
export { axisNames } from './position.ts';
export type * from './types.ts';
