/** One node's activation as the viewer sees it: an `ActivationSource` whose stats, histograms and
 *  colour-mapped tiles come from the GPU (src/runtime/visualize.ts), read in place in the engine's buffers. */
import { Visualizer, sizeOf, writeNpy, type ChannelStats, type MapSource, type Tensor } from '../src/index.ts';
import type { ActivationSource, TileRequest } from './activation-viewer.ts';

export class GpuActivation implements ActivationSource {
  private statsOnce?: Promise<ChannelStats>;
  private valuesOnce?: Promise<Tensor>;
  readonly height: number;
  readonly width: number;
  readonly channels: number;

  /**
   * @param read the node's values as the engine reads them back (defaults to reading `src`)
   * @param owned the buffer belongs to this source (uploads, derived maps): `release` frees it
   */
  constructor(private readonly viz: Visualizer, private readonly src: MapSource, readonly shape: number[], readonly label: string,
    read?: () => Promise<Tensor>, private readonly owned = false) {
    this.height = src.height;
    this.width = src.width;
    this.channels = src.channels;
    this.read = read ?? (() => viz.read(src));
  }

  private readonly read: () => Promise<Tensor>;

  stats(): Promise<ChannelStats> {
    return (this.statsOnce ??= this.viz.stats(this.src));
  }

  histogram(ranges: ArrayLike<number>, options?: { bins?: number; perChannel?: boolean }): Promise<Uint32Array> {
    return this.viz.histogram(this.src, ranges, options);
  }

  tiles(r: TileRequest): Promise<Uint8ClampedArray> {
    return this.viz.colormap(this.src, r);
  }

  values(): Promise<Tensor> {
    return (this.valuesOnce ??= this.read());
  }

  async channelMean(): Promise<ActivationSource> {
    const mean = await this.viz.channelMean(this.src);
    return new GpuActivation(this.viz, mean, [1, this.height, this.width, 1], `${this.label} · mean over ${this.channels} channels`, undefined, true);
  }

  async difference(other: ActivationSource): Promise<ActivationSource> {
    if (!(other instanceof GpuActivation)) throw new TypeError('can only compare activations of this engine');
    const diff = await this.viz.difference(this.src, other.src);
    return new GpuActivation(this.viz, diff, [1, this.height, this.width, this.channels], `${this.label} − ${other.label}`, undefined, true);
  }

  async snapshot(label: string): Promise<ActivationSource> {
    const copy = this.viz.upload(await this.values());
    return new GpuActivation(this.viz, copy, this.shape, label, undefined, true);
  }

  async npy(): Promise<Uint8Array> {
    const t = await this.values();
    // The node's own shape (batch first), not the [1, H, W, C] picture view.
    return writeNpy({ shape: t.data.length === sizeOf(this.shape) ? this.shape : t.shape, data: t.data });
  }

  release(): void {
    if (this.owned) this.viz.release(this.src);
  }
}
