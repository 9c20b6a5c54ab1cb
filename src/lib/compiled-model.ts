// A model compiled for one device, as ONNX Runtime's InferenceSession is: run it with inputs as often as
// you like, read any kept node's output of the last run, dispose of its GPU memory. A thin layer over
// the engine's CompiledGraph (src/runtime/engine.ts): one per batch size, made on first use.
import type { GraphReport } from '../graph/analyze.ts';
import type { OnnxImport } from '../io/onnx-import.ts';
import { EngineError, type CompiledGraph } from '../runtime/engine.ts';
import type { Tensor } from '../tensor.ts';
import type { Device } from './device.ts';
import { nodeId } from './nodes.ts';
import { engineFeeds, onnxPort, outputsToRead, userTensor, type Feeds, type PortInfo } from './ports.ts';

type Weights = Map<string, Record<string, Tensor>>;

/** The result in `array` where one was given (already there when the engine filled it). */
function fill(t: Tensor, array: Float32Array | undefined, name: string): Tensor {
  if (!array || array === t.data) return t;
  if (array.length !== t.data.length) throw new EngineError(`'into' gives ${array.length} floats for '${name}', which has ${t.data.length}`, undefined, 'pass an array of the output\'s size');
  array.set(t.data);
  return { shape: t.shape, data: array };
}

/** Options of {@link CompiledModel.run}. */
export interface RunOptions {
  /**
   * Nodes to return (names, ids or ONNX value names), each kept at compile time; default the model's
   * outputs. The result is keyed by these names.
   */
  outputs?: string[];
  /**
   * Arrays to fill, by the result's name, instead of new ones: a loop over frames then allocates no
   * output (ONNX Runtime's pre-allocated outputs). Each must have its output's size; the returned
   * tensor's `data` is that array.
   */
  into?: Record<string, Float32Array>;
}

/** @internal What Model.compile hands over. */
export interface CompiledModelParts {
  name: string;
  report: GraphReport;
  weights: Weights;
  inputs: PortInfo[];
  outputs: PortInfo[];
  onnx?: OnnxImport;
  keep: string[];
}

/**
 * A model compiled for a {@link Device} (from {@link Model.compile}). Runs keep nothing on the CPU but
 * what they return; call {@link CompiledModel.dispose} to free the GPU memory.
 */
export class CompiledModel {
  private graphs = new Map<number, CompiledGraph>();
  private last: CompiledGraph | null = null;
  private disposed = false;

  /** @internal Use {@link Model.compile}. */
  constructor(
    /** The device it runs on. */
    readonly device: Device,
    private readonly parts: CompiledModelParts,
    /** The batch size it was compiled for first; other batch sizes compile on first use. */
    readonly batch: number,
  ) {}

  /** @internal Builds the GPU objects for `batch` now, so that errors and kernel builds come before the first run. */
  async prepare(): Promise<void> {
    await this.graphFor(this.batch).prepare();
  }

  /**
   * Runs the model: one forward pass on the GPU, one submit. `feeds` maps each input's name (see
   * {@link Model.inputs}) to a tensor, batch first; a model with one input also takes the tensor itself,
   * and a `Float32Array` of one sample's size is a batch of one. Resolves to the outputs by name.
   */
  async run(feeds: Feeds, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    this.checkAlive();
    const { report, inputs, outputs, onnx } = this.parts;
    const engineInputs = engineFeeds(feeds, inputs, onnx);
    const read = outputsToRead(report, outputs, options.outputs, onnx);
    const graph = this.graphFor(Object.values(engineInputs)[0].shape[0]);
    for (const { id, key } of read) if (!graph.kept.has(id)) throw notKept(key);
    const into = options.into ?? {};
    for (const name of Object.keys(into))
      if (!read.some((r) => r.key === name)) throw new EngineError(`'into' names '${name}', which this run does not return`, undefined, `name one of ${read.map((r) => r.key).join(', ')}`);
    // The engine fills arrays in place where the result is its tensor as it is (not an ONNX layout of it).
    const engineInto = Object.fromEntries(read.flatMap(({ id, key }) => (into[key] && !onnxPort(id, onnx, key) ? [[id, into[key]]] : [])));
    const result = await graph.run(engineInputs, { read: [...new Set(read.map((r) => r.id))], into: engineInto });
    this.last = graph;
    return Object.fromEntries(read.map(({ id, key }) => [key, fill(userTensor(result.tensors.get(id)!, id, onnx, key), into[key], key)]));
  }

  /**
   * Any kept node's output (a name, id or ONNX value name) as the last run left it, read back from the
   * GPU without running again. Compile with `keep: 'all'` to be able to read every node.
   */
  async read(node: string): Promise<Tensor> {
    this.checkAlive();
    const { report, onnx } = this.parts;
    const id = nodeId(report, node, onnx);
    if (!this.last) throw new EngineError('nothing to read yet: the model has not run', id, 'call run() first');
    if (!this.last.kept.has(id)) throw notKept(node);
    const tensor = (await this.last.read([id])).get(id)!;
    return userTensor(tensor, id, onnx, node);
  }

  /** Names of the nodes whose outputs {@link CompiledModel.read} can return. */
  get kept(): string[] {
    const { report } = this.parts;
    return this.parts.keep.concat(report.outputs).filter((id, i, all) => all.indexOf(id) === i).map((id) => report.byId.get(id)!.name);
  }

  /** Frees the GPU memory of every compiled batch size; the model cannot run after this. */
  dispose(): void {
    for (const g of this.graphs.values()) g.destroy();
    this.graphs.clear();
    this.last = null;
    this.disposed = true;
  }

  private graphFor(batch: number): CompiledGraph {
    let graph = this.graphs.get(batch);
    if (!graph) {
      const { report, weights, keep } = this.parts;
      graph = this.device.engine.compile(report, weights, { batch, keep });
      this.graphs.set(batch, graph);
    }
    return graph;
  }

  private checkAlive(): void {
    if (this.disposed) throw new EngineError(`${this.parts.name} was disposed`, undefined, 'compile the model again');
  }
}

const notKept = (node: string) => new EngineError(`'${node}' was not kept when the model was compiled: it may be fused into the next dispatch`, undefined,
  `compile with { keep: ['${node}'] } (or 'all') to read it`);
