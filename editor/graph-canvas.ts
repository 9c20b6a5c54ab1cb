/** The Rete canvas: draws `graph` with the per-node results of `report`, and turns gestures into
 *  events; it never edits the graph itself (the app shell does, then passes the new graph back).
 *  @fires rewire - detail: { inputs: Record<nodeId, string[]> } after connections were made or cut
 *  @fires nodes-moved - detail: { positions: Record<nodeId, {x, y}> } when a drag ends
 *  @fires selection-change - detail: { ids: string[] }
 *  @fires add-item - detail: { kind: 'op' | 'block', type, position } from a palette drop or the quick-add menu
 *  @fires node-command - detail: { command: 'delete' | 'duplicate' | 'extract', id } from a node's context menu */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ClassicPreset, NodeEditor, type GetSchemes } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ConnectionPlugin, Presets as ConnectionPresets } from 'rete-connection-plugin';
import { LitPlugin, Presets, type LitArea2D } from '@retejs/lit-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import { ContextMenuPlugin, type ContextMenuExtra } from 'rete-context-menu-plugin';
import { AutoArrangePlugin, Presets as ArrangePresets } from 'rete-auto-arrange-plugin';
import { findOp, formatShape, type GraphFile, type GraphReport, type NodeReport } from '../src/index.ts';
import type { Position } from './graph-edits.ts';
import { OpNode, type NodeFace, type NodeRunFace } from './op-node.ts';
import './node-view.ts';

type Schemes = GetSchemes<OpNode, ClassicPreset.Connection<OpNode, OpNode> & { isLoop?: boolean }>;
type AreaExtra = LitArea2D<Schemes> | MinimapExtra | ContextMenuExtra;

export const DRAG_MIME = 'application/x-deepwire-item';
export interface QuickAddItem { kind: 'op' | 'block'; type: string; label: string }

const count = (n: number) => n.toLocaleString('en-US');

/** 1.23 G, 45.6 M, 789 k: FLOPs are estimates, three digits say enough. */
export function compact(n: number): string {
  for (const [unit, size] of [['G', 1e9], ['M', 1e6], ['k', 1e3]] as const)
    if (n >= size) return `${(n / size).toPrecision(3).replace(/\.?0+$/, '')} ${unit}`;
  return String(n);
}

const pair = (v: unknown) => (Array.isArray(v) && v.length === 2 && v[0] === v[1] ? `${v[0]}` : Array.isArray(v) ? v.join('×') : String(v));
const isUnitPair = (v: unknown) => Array.isArray(v) && v[0] === 1 && v[1] === 1;

/** The attrs worth seeing without opening the inspector: filters, kernel, strides, groups, padding, activation. */
export function keyAttrs(r: NodeReport): string {
  const a = r.attrs;
  const parts: string[] = [];
  if (Array.isArray(a.shape)) parts.push(a.shape.join('×'));
  if (typeof a.filters === 'number') parts.push(`${a.filters} filters`);
  if (typeof a.units === 'number') parts.push(`${a.units} units`);
  if (a.kernel_size) parts.push(Array.isArray(a.kernel_size) ? a.kernel_size.join('×') : String(a.kernel_size));
  if (a.pool_size) parts.push(`pool ${Array.isArray(a.pool_size) ? a.pool_size.join('×') : a.pool_size}`);
  if (a.strides && !isUnitPair(a.strides)) parts.push(`/${pair(a.strides)}`);
  if (typeof a.groups === 'number' && a.groups > 1) parts.push(`g${a.groups}`);
  if (typeof a.depth_multiplier === 'number' && a.depth_multiplier > 1) parts.push(`×${a.depth_multiplier}`);
  if (typeof a.padding === 'string' && (a.kernel_size || a.pool_size)) parts.push(a.padding);
  if (typeof a.activation === 'string' && a.activation !== 'linear') parts.push(a.activation);
  if (typeof a.rate === 'number') parts.push(`rate ${a.rate}`);
  if (typeof a.max_value === 'number') parts.push(`max ${a.max_value}`);
  if (Array.isArray(a.target_shape)) parts.push(`→ ${a.target_shape.join('×')}`);
  return parts.join(' · ');
}

@customElement('dw-canvas')
export class GraphCanvas extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; overflow: hidden; background: var(--dw-canvas-bg); }
    .area { position: absolute; inset: 0; }
    /* Pan and zoom move one composited layer instead of repainting every node. */
    .area > div { will-change: transform; }
    /* Quick add lists every op and block: scroll rather than run off the canvas. */
    rete-context-menu { display: block; max-height: 340px; overflow-y: auto; border-radius: 6px; }
    rete-minimap { filter: var(--dw-minimap-filter, none); }
    .hint {
      position: absolute; left: 50%; top: 40%; transform: translate(-50%, -50%); color: var(--dw-muted);
      pointer-events: none; text-align: center;
    }
  `;

  @property({ attribute: false }) graph!: GraphFile;
  @property({ attribute: false }) report!: GraphReport;
  @property({ attribute: false }) quickAdd: QuickAddItem[] = [];
  /** Per-node results of the last runs (time, mosaic, heat), drawn on the nodes. */
  @property({ attribute: false }) runInfo: Map<string, NodeRunFace> = new Map();

  private editor = new NodeEditor<Schemes>();
  private area!: AreaPlugin<Schemes, AreaExtra>;
  private arrange = new AutoArrangePlugin<Schemes>();
  private selectable!: ReturnType<typeof AreaExtensions.selectableNodes>;
  private ready!: Promise<void>;
  /** >0 while the canvas itself changes Rete: those events are not the user's. */
  private syncing = 0;
  private syncQueue: Promise<void> = Promise.resolve();
  private rewired = new Set<string>();
  private moved = new Set<string>();
  private lastSelection = '';
  private menuAt: Position = { x: 0, y: 0 };

  override render() {
    return html`
      <div class="area" @dragover=${this.onDragOver} @drop=${this.onDrop}></div>
      ${this.graph?.nodes.length ? null : html`<div class="hint">Drag an op or a block from the palette, or right-click for quick add.</div>`}
    `;
  }

  protected override firstUpdated(): void {
    this.ready = this.setup(this.renderRoot.querySelector<HTMLElement>('.area')!);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('graph') || changed.has('report') || changed.has('runInfo')) void this.sync();
  }

  private async setup(container: HTMLElement): Promise<void> {
    const area = (this.area = new AreaPlugin<Schemes, AreaExtra>(container));
    const connection = new ConnectionPlugin<Schemes, AreaExtra>();
    const render = new LitPlugin<Schemes, AreaExtra>();
    const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
    const menu = new ContextMenuPlugin<Schemes>({
      items: (context) => context === 'root'
        ? { searchBar: true, list: this.quickAdd.map((item) => ({ label: item.label, key: `${item.kind}:${item.type}`, handler: () => this.fire('add-item', { kind: item.kind, type: item.type, position: this.menuAt }) })) }
        : { searchBar: false, list: [
            { label: 'Duplicate', key: 'duplicate', handler: () => this.fire('node-command', { command: 'duplicate', id: context.id }) },
            { label: 'Delete', key: 'delete', handler: () => this.fire('node-command', { command: 'delete', id: context.id }) },
            { label: 'Extract features here', key: 'extract', handler: () => this.fire('node-command', { command: 'extract', id: context.id }) },
          ] },
    });

    this.selectable = AreaExtensions.selectableNodes(area, AreaExtensions.selector(), { accumulating: AreaExtensions.accumulateOnCtrl() });
    render.addPreset(Presets.classic.setup({
      customize: { node: (ctx) => ({ emit }) => html`<dw-node .data=${ctx.payload} .emit=${emit}></dw-node>` },
    }));
    render.addPreset(Presets.minimap.setup({ size: 180 }));
    render.addPreset(Presets.contextMenu.setup());
    connection.addPreset(ConnectionPresets.classic.setup());
    this.arrange.addPreset(ArrangePresets.classic.setup());

    this.editor.use(area);
    area.use(connection);
    area.use(render);
    // The minimap redraws every node on every node event: during a sync that is O(n²) (seconds at 500
    // nodes). Plugins added after this pipe don't see the sync's node events; one redraw follows it.
    const nodeEvent = (ctx: { type: string; data?: unknown }) => ['nodecreated', 'nodetranslated', 'noderemoved', 'noderesized'].includes(ctx.type)
      || (ctx.type === 'render' && (ctx.data as { type?: string }).type === 'node');
    area.addPipe((ctx) => {
      if (this.syncing && nodeEvent(ctx)) return undefined;
      // Panning and zooming redraw the minimap at most once a frame.
      if (ctx.type === 'translated' || ctx.type === 'zoomed') {
        this.refreshMinimapSoon();
        return undefined;
      }
      return ctx;
    });
    area.use(minimap);
    area.use(menu);
    area.use(this.arrange);
    AreaExtensions.simpleNodesOrder(area);

    this.editor.addPipe((ctx) => {
      if (this.syncing) return ctx;
      if (ctx.type === 'connectioncreated' || ctx.type === 'connectionremoved') {
        this.rewired.add(ctx.data.target);
        queueMicrotask(() => this.flushRewire());
      }
      return ctx;
    });
    area.addPipe((ctx) => {
      if (ctx.type === 'contextmenu') {
        this.menuAt = { ...area.area.pointer };
        setTimeout(() => this.focusMenuSearch());
      }
      if (!this.syncing && ctx.type === 'nodetranslated') this.moved.add(ctx.data.id);
      if (ctx.type === 'nodedragged') this.flushMoves();
      if (ctx.type === 'nodepicked' || ctx.type === 'pointerup') queueMicrotask(() => this.emitSelection());
      return ctx;
    });
  }

  private minimapFrame = 0;

  private refreshMinimapSoon(): void {
    if (this.minimapFrame) return;
    this.minimapFrame = requestAnimationFrame(() => {
      this.minimapFrame = 0;
      void this.area.emit({ type: 'resized', data: { event: new Event('resize') } });
    });
  }

  /** Typing right after a right-click filters the quick-add list. */
  private focusMenuSearch(): void {
    const search = this.renderRoot.querySelector('rete-context-menu')?.shadowRoot?.querySelector('rete-context-menu-search');
    search?.shadowRoot?.querySelector('input')?.focus();
  }

  private fire(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** One rewire event per gesture, with each touched node's inputs as Rete now has them, in socket order. */
  private flushRewire(): void {
    if (!this.rewired.size) return;
    const inputs: Record<string, string[]> = {};
    const connections = this.editor.getConnections();
    for (const target of this.rewired) {
      inputs[target] = connections
        .filter((c) => c.target === target)
        .sort((a, b) => Number(String(a.targetInput).slice(2)) - Number(String(b.targetInput).slice(2)))
        .map((c) => c.source);
    }
    this.rewired.clear();
    this.fire('rewire', { inputs });
  }

  private flushMoves(): void {
    if (!this.moved.size) return;
    const positions: Record<string, Position> = {};
    for (const id of this.moved) {
      const view = this.area.nodeViews.get(id);
      if (view) positions[id] = { ...view.position };
    }
    this.moved.clear();
    this.fire('nodes-moved', { positions });
  }

  private emitSelection(): void {
    const ids = this.selectedIds();
    const key = ids.join('\n');
    if (key === this.lastSelection) return;
    this.lastSelection = key;
    this.fire('selection-change', { ids });
  }

  /** Serialised: a sync started while another runs waits for it, then draws the newest graph. */
  private sync(): Promise<void> {
    this.syncQueue = this.syncQueue.then(async () => {
      await this.ready;
      this.syncing++;
      try {
        await this.apply(this.graph, this.report);
      } finally {
        this.syncing--;
      }
      await this.area.emit({ type: 'resized', data: { event: new Event('resize') } });
      this.emitSelection();
    });
    return this.syncQueue;
  }

  /** Makes Rete match the graph: nodes, sockets, connections, positions, and what each node shows. */
  private async apply(graph: GraphFile, report: GraphReport): Promise<void> {
    const wanted = new Map(graph.nodes.map((n) => [n.id, n]));
    const linkKey = (source: string, target: string, input: string) => `${source}\u0000${target}\u0000${input}`;
    const wantedLinks = new Set<string>();
    for (const n of graph.nodes)
      (n.inputs ?? []).forEach((src, i) => wanted.has(src) && wantedLinks.add(linkKey(src, n.id, `in${i}`)));

    for (const c of this.editor.getConnections())
      if (!wantedLinks.has(linkKey(c.source, c.target, String(c.targetInput)))) await this.editor.removeConnection(c.id);
    for (const node of this.editor.getNodes()) {
      const model = wanted.get(node.id);
      if (!model || model.op !== node.op) {
        for (const c of this.editor.getConnections()) if (c.source === node.id || c.target === node.id) await this.editor.removeConnection(c.id);
        if (node.selected) await this.selectable.unselect(node.id);
        await this.editor.removeNode(node.id);
      }
    }

    for (const n of graph.nodes) {
      let node = this.editor.getNode(n.id);
      const isNew = !node;
      if (!node) {
        node = new OpNode(findOp(n.op), n.op, n.id);
        node.setInputCount(node.socketsFor((n.inputs ?? []).length));
        node.setFace(this.faceOf(node, n.inputs ?? [], report));
        await this.editor.addNode(node);
      }
      const socketsChanged = node.setInputCount(node.socketsFor((n.inputs ?? []).length));
      const faceChanged = node.setFace(this.faceOf(node, n.inputs ?? [], report));
      if (!isNew && (socketsChanged || faceChanged)) await this.area.update('node', node.id);
      const at = n.layout ?? { x: 0, y: 0 };
      const view = this.area.nodeViews.get(n.id);
      if (view && (view.position.x !== at.x || view.position.y !== at.y)) await this.area.translate(n.id, at);
    }

    const existing = new Set(this.editor.getConnections().map((c) => linkKey(c.source, c.target, String(c.targetInput))));
    for (const n of graph.nodes)
      for (const [i, src] of (n.inputs ?? []).entries()) {
        const source = this.editor.getNode(src);
        const target = this.editor.getNode(n.id);
        if (!source || !target || existing.has(linkKey(src, n.id, `in${i}`))) continue;
        await this.editor.addConnection(new ClassicPreset.Connection(source, 'out', target, `in${i}`));
      }
  }

  private faceOf(node: OpNode, inputs: string[], report: GraphReport): NodeFace {
    const r = report.byId.get(node.id);
    const problem = r?.problems[0];
    const more = (r?.problems.length ?? 0) - 1;
    const shapeOf = (src: string) => report.byId.get(src)?.shape;
    const sockets = node.inputCount;
    return {
      name: r?.name ?? node.id,
      keyAttrs: r ? keyAttrs(r) : '',
      shape: r?.shape ? formatShape(r.shape) : '?',
      params: count((r?.params.trainable ?? 0) + (r?.params.nonTrainable ?? 0)),
      flops: compact(r?.flops ?? 0),
      error: problem ? { message: problem.message + (more > 0 ? ` (+${more} more)` : ''), hint: problem.hint } : null,
      run: this.runInfo.get(node.id) ?? null,
      inputLabels: Array.from({ length: sockets }, (_, i) => {
        const shape = inputs[i] !== undefined ? shapeOf(inputs[i]) : undefined;
        return inputs[i] === undefined ? (i >= inputs.length && i > 0 ? '+' : `in ${i}`) : shape ? formatShape(shape) : '?';
      }),
    };
  }

  private onDragOver(e: DragEvent): void {
    if (e.dataTransfer?.types.includes(DRAG_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }

  private onDrop(e: DragEvent): void {
    const data = e.dataTransfer?.getData(DRAG_MIME);
    if (!data) return;
    e.preventDefault();
    const { kind, type } = JSON.parse(data) as { kind: 'op' | 'block'; type: string };
    this.fire('add-item', { kind, type, position: this.toArea(e.clientX, e.clientY) });
  }

  /** Client (screen) coordinates to area coordinates. */
  toArea(clientX: number, clientY: number): Position {
    const rect = this.area.container.getBoundingClientRect();
    const t = this.area.area.transform;
    return { x: (clientX - rect.left - t.x) / t.k, y: (clientY - rect.top - t.y) / t.k };
  }

  /** Where a node clicked in from the palette goes: the middle of what is in view. */
  viewCentre(): Position {
    const rect = this.area.container.getBoundingClientRect();
    const p = this.toArea(rect.left + rect.width / 2, rect.top + rect.height / 2);
    return { x: Math.round(p.x - 110), y: Math.round(p.y - 80) };
  }

  selectedIds(): string[] {
    return this.editor.getNodes().filter((n) => n.selected).map((n) => n.id);
  }

  async select(ids: string[]): Promise<void> {
    await this.updateComplete;
    await this.syncQueue;
    for (const n of this.editor.getNodes()) if (n.selected && !ids.includes(n.id)) await this.selectable.unselect(n.id);
    for (const id of ids) if (this.editor.getNode(id)) await this.selectable.select(id, true);
    this.emitSelection();
  }

  async fit(ids?: string[]): Promise<void> {
    await this.updateComplete;
    await this.syncQueue;
    const nodes = ids ? this.editor.getNodes().filter((n) => ids.includes(n.id)) : this.editor.getNodes();
    if (nodes.length) await AreaExtensions.zoomAt(this.area, nodes, { scale: 0.9 });
  }

  async focusNode(id: string): Promise<void> {
    await this.select([id]);
    await this.fit([id]);
    const view = this.area.nodeViews.get(id);
    // zoomAt on one node zooms right in: step back to a comfortable scale around it.
    if (view && this.area.area.transform.k > 1) {
      const rect = this.area.container.getBoundingClientRect();
      await this.area.area.zoom(1, 0, 0);
      const { x, y } = view.position;
      await this.area.area.translate(rect.width / 2 - x - 110, rect.height / 2 - y - 80);
    }
  }

  /** Zoom 1, origin at the top left: where a fresh graph starts. */
  async resetView(): Promise<void> {
    await this.syncQueue;
    await this.area.area.zoom(1, 0, 0);
    await this.area.area.translate(0, 0);
  }

  /** Lays the graph out with ELK; returns the new positions (the app records them as one step). */
  async autoArrange(): Promise<Record<string, Position>> {
    await this.syncQueue;
    this.syncing++;
    try {
      await this.arrange.layout({ options: { 'elk.direction': 'RIGHT', 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '70' } });
    } finally {
      this.syncing--;
    }
    const positions: Record<string, Position> = {};
    for (const [id, view] of this.area.nodeViews) positions[id] = { x: Math.round(view.position.x), y: Math.round(view.position.y) };
    return positions;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-canvas': GraphCanvas }
}
