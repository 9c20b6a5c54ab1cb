/** Maps that change as the network learns: a fixed probe image run through the graph with the weights of the
 *  moment (before training, after each epoch, or when asked), every node's output kept, with the first
 *  convolution's kernels. What is kept per snapshot is the probe's maps, not the weights: for the nets trained
 *  here they are about the same size (fashion-cnn: 40 k map values, 50 k weights), and with the maps kept
 *  stepping back through epochs needs no compile and no run —
 *  the slider only uploads the map the viewer shows. Snapshots live as long as the page (not saved). */
import { Visualizer, type Engine, type GraphReport, type Tensor } from '../src/index.ts';
import type { ActivationSource } from './activation-viewer.ts';
import { GpuActivation } from './activation-source.ts';

type Weights = Map<string, Record<string, Tensor>>;

export interface ProbeSnapshot {
  /** "before training", "after epoch 2", "epoch 2, step 37". */
  label: string;
  /** Every node's output on the probe ([1, …]), by node id. */
  maps: Map<string, Tensor>;
  /** The first convolution's kernel [KH, KW, Cin, Cout], or null when the graph has none. */
  kernel: Tensor | null;
}

/** The first node (in run order) with a 4-D `kernel`: the layer that looks at the pixels. */
export function firstConv(report: GraphReport): { id: string; name: string } | null {
  for (const id of report.order) {
    const r = report.byId.get(id)!;
    if (r.weights.some((w) => w.name === 'kernel' && w.shape.length === 4)) return { id, name: r.name };
  }
  return null;
}

/** Runs the probe with `weights` and keeps every node's output. */
export async function probeSnapshot(engine: Engine, report: GraphReport, weights: Weights, probe: Tensor, label: string): Promise<ProbeSnapshot> {
  const input = report.nodes.find((r) => r.op === 'Input')!;
  const ids = report.order.filter((id) => id !== input.id);
  const compiled = engine.compile(report, weights, { batch: 1, keep: ids });
  try {
    const { tensors } = await compiled.run({ [input.id]: probe }, { read: ids });
    const maps = new Map<string, Tensor>([[input.id, probe]]);
    for (const id of ids) {
      const t = tensors.get(id);
      // Copied: a readback may view a buffer the engine reuses.
      if (t) maps.set(id, { shape: [...t.shape], data: t.data.slice() });
    }
    const conv = firstConv(report);
    const kernel = conv ? weights.get(conv.id)?.kernel : undefined;
    return { label, maps, kernel: kernel ? { shape: [...kernel.shape], data: kernel.data.slice() } : null };
  } finally {
    compiled.destroy();
  }
}

/**
 * The activation viewer's source for one node of one snapshot: the map uploaded to the GPU (the viewer's
 * colormaps and statistics run there). The last one made is kept and released when another replaces it.
 */
export class ProbeSources {
  private viz: Visualizer | null = null;
  private current: { key: string; source: Promise<ActivationSource | null> } | null = null;

  constructor(private engine: () => Promise<Engine>) {}

  sourceFor(snapshot: ProbeSnapshot, index: number, id: string, name: string): Promise<ActivationSource | null> {
    const key = `${index}|${id}|${snapshot.label}`;
    if (this.current?.key === key) return this.current.source;
    const previous = this.current?.source;
    const source = (async () => {
      const t = snapshot.maps.get(id);
      if (!t) return null;
      const engine = await this.engine();
      if (this.viz?.device !== engine.device) this.viz = new Visualizer(engine.device);
      return new GpuActivation(this.viz, this.viz.upload(t), [...t.shape], `${name} · probe, ${snapshot.label}`, async () => t, true);
    })();
    this.current = { key, source };
    // Released once the new one is there: the viewer holds the old one until it is handed the new.
    void source.finally(() => previous?.then((s) => s?.release()));
    return source;
  }

  release(): void {
    void this.current?.source.then((s) => s?.release());
    this.current = null;
  }
}
