/** Maps on the canvas: after a run, a node can show a strip of its first channel maps below it, and the
 *  Input fed a photo shows the photo, so a module reads like CNN Explainer's overview. Shown per node (its
 *  context menu, the inspector) and for all (M). The strips are drawn from the activations the run left on
 *  the GPU (the viewer's colour mapping: viridis, each channel over its own range), small, once per result.
 *  A Lit reactive controller: the host re-renders when a strip is drawn. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { GraphReport } from '../src/index.ts';
import type { ActivationSource } from './activation-viewer.ts';
import type { NodeRunFace, NodeStrip } from './op-node.ts';
import { photoInput } from './node-fields.ts';

/** Channels a strip shows, and the most pixels a side of one map is drawn at (the viewer has the rest). */
export const STRIP_TILES = 6;
const TILE_PX = 32;

export interface CanvasMapsHooks {
  report(): GraphReport;
  /** The number of the last run (0 before the first). */
  runNumber(): number;
  /** A node's output of the last run that computed it; null without one (not run, fused away). */
  source(id: string): Promise<ActivationSource | null>;
  /** The photo fed to the Input, as the network sees it. */
  photo(): ImageData | null;
  say(kind: 'info' | 'error', text: string): void;
}

/** A face for a node that has no run face yet (the Input before the first run). */
const NO_RUN: NodeRunFace = { time: '', title: '', heat: null, mosaic: null, stale: false };

export class CanvasMapsController implements ReactiveController {
  /** Maps on every node, except those in `hidden`; otherwise only on those in `shown`. */
  private all = false;
  private shown = new Set<string>();
  private hidden = new Set<string>();
  /** Each node's strip and what it was drawn from (its activation source, or the photo). */
  private strips = new Map<string, { from: object; strip: NodeStrip }>();
  private version = 0;
  private wanted = '';
  private drawing = 0;
  private memo: { run: Map<string, NodeRunFace>; version: number; faces: Map<string, NodeRunFace> } | null = null;
  private lastReport: GraphReport | null = null;
  private lastPhoto: ImageData | null = null;

  constructor(private host: ReactiveControllerHost, private hooks: CanvasMapsHooks) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Before each render: a new run, photo, graph or choice of nodes draws the strips that are missing. */
  hostUpdate(): void {
    const report = this.hooks.report(), photo = this.hooks.photo();
    const wanted = `${this.hooks.runNumber()}|${this.version}`;
    if (wanted === this.wanted && report === this.lastReport && photo === this.lastPhoto) return;
    this.wanted = wanted;
    this.lastReport = report;
    this.lastPhoto = photo;
    void this.draw();
  }

  /** Whether node `id` shows its maps on the canvas. */
  isShown(id: string): boolean {
    return this.all ? !this.hidden.has(id) : this.shown.has(id);
  }

  get allShown(): boolean {
    return this.all;
  }

  /** The node's context menu or the inspector: its maps on or off. */
  toggle(id: string): void {
    const on = !this.isShown(id);
    const set = this.all ? this.hidden : this.shown;
    if (on === this.all) set.delete(id);
    else set.add(id);
    this.changed(on);
  }

  /** M: maps on every node, or on none. */
  toggleAll(): void {
    this.all = !this.all;
    this.shown.clear();
    this.hidden.clear();
    this.changed(this.all);
  }

  /** The run faces of the nodes with their strips added where shown (the same map while nothing changed). */
  faces(run: Map<string, NodeRunFace>): Map<string, NodeRunFace> {
    if (this.memo?.run === run && this.memo.version === this.version) return this.memo.faces;
    // New faces follow a run, a failed run (its results forgotten) or new mosaics: strips of results gone go too.
    if (this.memo && this.memo.run !== run) void this.draw();
    const faces = new Map(run);
    for (const [id, { strip }] of this.strips) if (this.isShown(id)) faces.set(id, { ...(run.get(id) ?? NO_RUN), strip });
    this.memo = { run, version: this.version, faces };
    return faces;
  }

  private changed(on: boolean): void {
    this.version++;
    if (on && !this.hooks.runNumber() && !this.hooks.photo())
      this.hooks.say('info', 'The maps appear on the nodes after a run: press ▶ Run (Ctrl+Enter).');
    this.host.requestUpdate();
  }

  /** Draws the strips of the shown nodes whose result (or photo) is new, one node at a time. */
  private async draw(): Promise<void> {
    const token = ++this.drawing;
    await Promise.resolve(); // not inside the host's update: what is drawn asks for the next one
    const report = this.hooks.report(), photo = this.hooks.photo();
    const photoId = photoInput(report, photo);
    for (const id of [...this.strips.keys()]) if (!report.byId.has(id)) this.strips.delete(id);
    for (const id of report.order) {
      if (!this.isShown(id)) continue;
      try {
        const from: object | null = id === photoId ? photo : await this.hooks.source(id);
        if (token !== this.drawing) return;
        if (!from) {
          if (this.strips.delete(id)) this.bump();
          continue;
        }
        if (this.strips.get(id)?.from === from) continue;
        const strip = from === photo ? photoStrip(photo!) : await mapStrip(from as ActivationSource);
        if (token !== this.drawing) return;
        this.strips.set(id, { from, strip });
        this.bump();
      } catch {
        continue; // a node whose maps cannot be drawn has none on the canvas; the viewer says why when opened
      }
    }
  }

  private bump(): void {
    this.version++;
    this.wanted = `${this.hooks.runNumber()}|${this.version}`;
    this.host.requestUpdate();
  }
}

/** The first STRIP_TILES channels side by side, each over its own range (the viewer's default), 1 pixel apart. */
async function mapStrip(source: ActivationSource): Promise<NodeStrip> {
  const stats = await source.stats();
  const vector = source.height * source.width === 1;
  // A vector (Dense, global pooling) shows its first values as cells, over the range of them all.
  const tiles = Math.min(source.channels, vector ? 64 : STRIP_TILES);
  const tileWidth = vector ? 1 : Math.min(source.width, TILE_PX), height = vector ? 1 : Math.min(source.height, TILE_PX);
  const ranges = new Float32Array(2 * source.channels);
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  const lo = Math.min(...Array.from(stats.min.subarray(0, tiles), finite)), hi = Math.max(...Array.from(stats.max.subarray(0, tiles), finite));
  for (let c = 0; c < source.channels; c++) ranges.set(vector ? [lo, hi] : [finite(stats.min[c]), finite(stats.max[c])], 2 * c);
  const rgba = await source.tiles({ first: 0, count: tiles, ranges, colormap: 'viridis', outW: tileWidth, outH: height });
  const gap = vector ? 0 : 1;
  const canvas = Object.assign(document.createElement('canvas'), { width: tiles * (tileWidth + gap) - gap, height });
  const ctx = canvas.getContext('2d')!;
  for (let t = 0; t < tiles; t++)
    ctx.putImageData(new ImageData(rgba.slice(t * tileWidth * height * 4, (t + 1) * tileWidth * height * 4), tileWidth, height), t * (tileWidth + gap), 0);
  return { kind: vector ? 'values' : 'maps', url: canvas.toDataURL(), tiles, pitch: tileWidth + gap, width: canvas.width, height, channels: source.channels };
}

function photoStrip(photo: ImageData): NodeStrip {
  const canvas = Object.assign(document.createElement('canvas'), { width: photo.width, height: photo.height });
  canvas.getContext('2d')!.putImageData(photo, 0, 0);
  return { kind: 'photo', url: canvas.toDataURL(), tiles: 1, pitch: photo.width, width: photo.width, height: photo.height, channels: 1 };
}
