// `deepwire fit --augment flip,translate=0.1`: Keras' augmentation layers (RandomFlip, RandomTranslation)
// put between the image Input and what reads it, for the training run only — as a Keras user writes them
// into the model; they are the identity at inference, so evaluation and the saved model use the graph as
// given. RandomCrop changes the image size, so it has no flag: put it in the graph, before layers sized for it.
import type { GraphFile, GraphNode } from '../graph/types.ts';
import { OpError } from '../ops/op.ts';
import { FLIP_MODES } from '../ops/random-flip.ts';

export const AUGMENT_HELP = "flip[=horizontal|vertical|horizontal_and_vertical] (default horizontal), translate[=F] (shifts up to F of the size, default 0.1)";

/** The layers a `--augment` list asks for, in its order: RandomFlip and RandomTranslation nodes without inputs yet. */
export function augmentationLayers(spec: string): GraphNode[] {
  const layers: GraphNode[] = [];
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = item.split('=', 2).map((s) => s.trim());
    if (name === 'flip') {
      const mode = value ?? 'horizontal';
      if (!(FLIP_MODES as readonly string[]).includes(mode)) throw new OpError(`--augment flip=${mode}: unknown flip mode`, `use ${FLIP_MODES.join(', ')}`);
      layers.push({ id: 'augment_flip', op: 'RandomFlip', attrs: { mode } });
    } else if (name === 'translate') {
      const factor = value === undefined ? 0.1 : Number(value);
      if (value === '' || !(factor > 0 && factor <= 1)) throw new OpError(`--augment translate=${value}: the factor must be a fraction in (0, 1]`, 'e.g. translate=0.1 for shifts of up to 10 % of the height and width');
      layers.push({ id: 'augment_translate', op: 'RandomTranslation', attrs: { height_factor: factor, width_factor: factor } });
    } else throw new OpError(`--augment: unknown augmentation '${name}'`, `use ${AUGMENT_HELP}; put a RandomCrop into the graph itself`);
  }
  if (new Set(layers.map((l) => l.op)).size !== layers.length) throw new OpError(`--augment ${spec}: each augmentation once`);
  return layers;
}

/** The graph with `layers` chained after its one image Input: every node that read the Input reads the last of them. */
export function withAugmentation(graph: GraphFile, layers: GraphNode[]): GraphFile {
  if (!layers.length) return graph;
  const inputs = graph.nodes.filter((n) => n.op === 'Input');
  const shape = inputs[0]?.attrs?.shape;
  if (inputs.length !== 1 || !Array.isArray(shape) || shape.length !== 3)
    throw new OpError('--augment transforms images: the graph needs one H×W×C Input', 'or put RandomFlip / RandomTranslation layers into the graph where they belong');
  const ids = new Set(graph.nodes.map((n) => n.id));
  const unique = (id: string) => {
    let name = id;
    for (let k = 1; ids.has(name); k++) name = `${id}_${k}`;
    ids.add(name);
    return name;
  };
  let last = inputs[0].id;
  const chain = layers.map((l) => {
    const node = { ...l, id: unique(l.id), inputs: [last] };
    last = node.id;
    return node;
  });
  const rewired = graph.nodes.map((n) => (n.inputs?.includes(inputs[0].id) ? { ...n, inputs: n.inputs.map((i) => (i === inputs[0].id ? last : i)) } : n));
  const at = rewired.indexOf(rewired.find((n) => n.id === inputs[0].id)!) + 1;
  return { ...graph, nodes: [...rewired.slice(0, at), ...chain, ...rewired.slice(at)] };
}
