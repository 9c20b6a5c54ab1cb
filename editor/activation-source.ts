/** One node's activation as the viewer sees it: an `ActivationSource` whose stats, histograms and
 *  colour-mapped tiles come from the GPU (src/runtime/visualize.ts), read in place in the engine's buffers.
 *  One image of the batch at a time: `image(b)` is image b of the same output. */
import { Visualizer, sizeOf, writeNpy, type ChannelStats, type MapSource, type Tensor } from '../src/index.ts';
import type { ActivationSource, TileRequest } from './activation-viewer.ts';

export class GpuActivation implements ActivationSource {
  private statsOnce?: Promise<ChannelStats>;
  private valuesOnce?: Promise<Tensor>;
  private images = new Map<number, Promise<GpuActivation>>();
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly batch: number;

  /**
   * @param src image `index` of the node's output
   * @param read the node's values as the engine reads them back, the whole batch (defaults to reading `src`)
   * @param owned the buffer belongs to this source (uploads, derived maps): `release` frees it
   */
  constructor(private readonly viz: Visualizer, private readonly src: MapSource, readonly shape: number[], readonly label: string,
    read?: () => Promise<Tensor>, private readonly owned = false, readonly index = 0) {
    this.height = src.height;
    this.width = src.width;
    this.channels = src.channels;
    this.batch = read ? Math.max(1, shape[0] ?? 1) : 1;
    this.read = read ?? (() => viz.read(src));
  }

  private readonly read: () => Promise<Tensor>;

  image(b: number): Promise<ActivationSource> {
    if (b === this.index) return Promise.resolve(this);
    if (!(b >= 0 && b < this.batch)) return Promise.reject(new RangeError(`image ${b + 1} of a batch of ${this.batch}`));
    let image = this.images.get(b);
    if (!image) {
      // In place: image b lies H·W pixels further into the same buffer. An upload holds one image: upload b.
      const { src } = this;
      const pixels = src.height * src.width;
      image = this.owned
        ? this.read().then((t) => new GpuActivation(this.viz, this.viz.upload(t, b), this.shape, this.label, this.read, true, b))
        : Promise.resolve(new GpuActivation(this.viz, { ...src, offset: src.offset + (b - this.index) * pixels * src.stride }, this.shape, this.label, this.read, false, b));
      this.images.set(b, image);
    }
    return image;
  }

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
    return (this.valuesOnce ??= this.read().then((t) => {
      // This image alone, [1, …]: the whole batch stays with npy().
      const per = t.data.length / Math.max(1, t.shape[0]);
      if (t.shape[0] <= 1 || per !== this.height * this.width * this.channels) return t;
      return { shape: [1, ...t.shape.slice(1)], data: t.data.subarray(this.index * per, (this.index + 1) * per) };
    }));
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
    const all = await this.read();
    const copy = this.viz.upload(all, all.shape[0] > this.index ? this.index : 0);
    return new GpuActivation(this.viz, copy, this.shape, this.batch > 1 ? `${label} · image ${this.index + 1}` : label, async () => all, true, this.index);
  }

  async npy(): Promise<Uint8Array> {
    const t = await this.read();
    // The node's own shape (batch first), not the [1, H, W, C] picture view.
    return writeNpy({ shape: t.data.length === sizeOf(this.shape) ? this.shape : t.shape, data: t.data });
  }

  release(): void {
    for (const image of this.images.values()) void image.then((i) => i.release());
    this.images.clear();
    if (this.owned) this.viz.release(this.src);
  }
}
