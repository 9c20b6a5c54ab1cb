/** The Rete canvas: draws `graph` with the per-node results of `report`, and turns gestures into
 *  events; it never edits the graph itself (the app shell does, then passes the new graph back).
 *  @fires rewire - detail: { inputs: Record<nodeId, string[]> } after connections were made or cut
 *  @fires nodes-moved - detail: { positions: Record<nodeId, {x, y}> } when a drag ends
 *  @fires selection-change - detail: { ids: string[] }
 *  @fires add-item - detail: { kind: 'op' | 'block', type, position } from a palette drop or the quick-add menu
 *  @fires node-command - detail: { command: 'delete' | 'duplicate' | 'extract' | 'edit' | 'toggle-maps', id, ids? } from a node's context menu or keys
 *  @fires group-command - detail: { ids: groupId[], collapse: boolean } from a block's button, context menu
 *  Collapsed blocks (graph groups) are drawn as one node each (editor/groups.ts); Shift- or Ctrl-drag on
 *  the empty canvas selects the nodes in a rectangle; Enter on a focused port starts and ends a wire. */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ClassicPreset, type NodeEditor } from 'rete';
import { AreaExtensions, type AreaPlugin } from 'rete-area-plugin';
import type { AutoArrangePlugin } from 'rete-auto-arrange-plugin';
import { findOp, formatCompactCount, formatCount, formatShape, type GraphFile, type GraphReport, type NodeReport } from '../src/index.ts';
import type { Position } from './graph-edits.ts';
import { collapsedView, drawnLinks, groupIdOf, groupNodeId, groupStats, type CollapsedGroup, type CollapsedView } from './groups.ts';
import { GroupNode, OpNode, type NodeFace, type NodeRunFace } from './op-node.ts';
import { bandModifier, createEditor, type AreaExtra, type MenuItems, type Schemes } from './rete-editor.ts';

/** A node's smallest text is 11 px: at 0.8 it is drawn 8.8 px high, the least that reads without squinting
 *  (at the 0.55 used before, 6 px). Graphs open no smaller (fitReadable). */
export const READABLE_ZOOM = 0.8;
/** Graphs with fewer nodes show no minimap. */
const MINIMAP_NODES = 40;

export const DRAG_MIME = 'application/x-deepwire-item';
export interface QuickAddItem { kind: 'op' | 'block'; type: string; label: string }

const NODE_HALF = 110;

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
    /* No text selection on the canvas: a background drag otherwise runs Blink's selection search over
       every node's text on each pointer move (~25 ms a move at 500 nodes in software rendering). */
    .area { position: absolute; inset: 0; user-select: none; -webkit-user-select: none; }
    /* Quick add lists every op and block: it scrolls rather than run off the canvas. Rete's menu is 120 px
       wide and pulled up and left by negative margins, which a scrolling box would clip: the padding gives
       them room, so the menu opens with its top left at the pointer, wide enough for the names. */
    rete-context-menu {
      display: block; max-height: 340px; overflow: hidden auto; border-radius: 6px; user-select: text; -webkit-user-select: text;
      --menu-width: 200px; padding: 20px 0 0 100px;
      --context-color: #4f67e0; --context-color-light: #6d82ec; --context-color-dark: #3a51c4;
    }
    rete-minimap { filter: var(--dw-minimap-filter, none); }
    /* A graph that fits on screen needs no minimap, which would only cover nodes. */
    :host([few-nodes]) rete-minimap { display: none; }
    .band { position: absolute; border: 1px dashed var(--dw-accent); background: color-mix(in srgb, var(--dw-accent) 12%, transparent); pointer-events: none; z-index: 3; }
    .connecting {
      position: absolute; left: 8px; bottom: 8px; z-index: 3; padding: 4px 8px; border-radius: 5px; font-size: 12px;
      background: var(--dw-panel-bg); border: 1px solid var(--dw-accent);
    }
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

  private editor!: NodeEditor<Schemes>;
  private area!: AreaPlugin<Schemes, AreaExtra>;
  private arrange!: AutoArrangePlugin<Schemes>;
  private selectable!: ReturnType<typeof AreaExtensions.selectableNodes>;
  private ready!: Promise<void>;
  /** >0 while the canvas itself changes Rete: those events are not the user's. */
  private syncing = 0;
  private syncQueue: Promise<void> = Promise.resolve();
  private rewired = new Set<string>();
  private moved = new Set<string>();
  private lastSelection = '';
  private menuAt: Position = { x: 0, y: 0 };
  /** What is collapsed in the graph now drawn. */
  private view: CollapsedView = { groups: new Map(), hiddenBy: new Map(), groupOf: new Map() };
  /** The rubber band, in canvas pixels, while Shift/Ctrl-dragging on the background. */
  @state() private band: { x0: number; y0: number; x1: number; y1: number; add: boolean } | null = null;
  /** The port a keyboard connection starts from. */
  @state() private pending: { id: string; side: 'input' | 'output'; key: string; label: string } | null = null;

  override render() {
    const b = this.band;
    return html`
      <div class="area" @dragover=${this.onDragOver} @drop=${this.onDrop} @pointerdown=${this.onBandDown}
        @node-key=${this.onNodeKey} @group-toggle=${this.onGroupToggle} @focusin=${this.onFocusIn}></div>
      ${b ? html`<div class="band" data-testid="selection-band" style="left:${Math.min(b.x0, b.x1)}px;top:${Math.min(b.y0, b.y1)}px;width:${Math.abs(b.x1 - b.x0)}px;height:${Math.abs(b.y1 - b.y0)}px"></div>` : null}
      ${this.pending ? html`<div class="connecting" role="status" data-testid="connecting">Connecting from ${this.pending.label}: focus ${this.pending.side === 'output' ? 'an input' : 'an output'} port (Tab) and press Enter; Esc cancels.</div>` : null}
      ${this.graph?.nodes.length ? null : html`<div class="hint">Drag an op or a block from the palette, or right-click for quick add.</div>`}
    `;
  }

  protected override firstUpdated(): void {
    this.ready = this.setup(this.renderRoot.querySelector<HTMLElement>('.area')!);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('graph') || changed.has('report') || changed.has('runInfo')) void this.sync();
    if (changed.has('graph')) this.toggleAttribute('few-nodes', this.graph.nodes.length < MINIMAP_NODES);
  }

  /** Rete's editor (rete-editor.ts), and the pipes that turn its events into the canvas's. */
  private async setup(container: HTMLElement): Promise<void> {
    const { editor, area, arrange, selectable } = createEditor(container, {
      menu: (context) => this.menu(context),
      pendingPort: (id) => (this.pending?.id === id ? `${this.pending.side}:${this.pending.key}` : ''),
      syncing: () => this.syncing > 0,
    });
    this.editor = editor;
    this.area = area;
    this.arrange = arrange;
    this.selectable = selectable;
    this.keepSelectionInView(container);

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
        setTimeout(() => {
          this.keepMenuInside();
          this.focusMenuSearch();
        });
      }
      if (!this.syncing && ctx.type === 'nodetranslated') this.moved.add(ctx.data.id);
      if (ctx.type === 'nodedragged') this.flushMoves();
      if (ctx.type === 'nodepicked' || ctx.type === 'pointerup') queueMicrotask(() => this.emitSelection());
      return ctx;
    });
  }

  /**
   * When the canvas changes size (the maps open beside or below it, a panel folds, the window is resized), the
   * selected nodes are panned back into view: the node whose maps are shown stays on screen.
   */
  private keepSelectionInView(container: HTMLElement): void {
    let size = '';
    new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      const now = `${Math.round(width)}×${Math.round(height)}`;
      const first = !size;
      if (now === size || !width || !height) return;
      size = now;
      const selected = this.selectedIds();
      if (!first && selected.length) void this.reveal(selected);
    }).observe(container);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.menuKeys, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.menuKeys, true);
  }

  /** While a menu is open, wherever the focus is: Enter picks the first item the search left, Escape closes it. */
  private menuKeys = (e: KeyboardEvent) => {
    const wrapper = this.area && this.menuWrapper();
    if (!wrapper || wrapper.style.display === 'none') return;
    if (e.key === 'Escape') void this.area.emit({ type: 'unmount', data: { element: wrapper } });
    // Enter only in quick add (the menu with a search): a node's menu starts with Delete.
    else if (e.key === 'Enter' && this.menuHasSearch() && this.menuItems().length) this.menuItems()[0].shadowRoot?.querySelector<HTMLElement>('.content')?.click();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  /** Rete's fixed-position wrapper of the context menu (null before the first right-click). */
  private menuWrapper(): HTMLElement | null {
    let el: HTMLElement | null = this.renderRoot.querySelector('rete-context-menu');
    while (el && el.style.position !== 'fixed') el = el.parentElement;
    return el;
  }

  private menuHasSearch(): boolean {
    return !!this.renderRoot.querySelector('rete-context-menu')?.shadowRoot?.querySelector('rete-context-menu-search');
  }

  private menuItems(): HTMLElement[] {
    return [...(this.renderRoot.querySelector('rete-context-menu')?.shadowRoot?.querySelectorAll<HTMLElement>('rete-context-menu-item') ?? [])];
  }

  /** Moves a menu opened near the canvas's bottom or right edge back inside it. */
  private keepMenuInside(): void {
    const wrapper = this.menuWrapper();
    const menu = this.renderRoot.querySelector('rete-context-menu');
    if (!wrapper || !menu) return;
    const box = this.getBoundingClientRect(), m = menu.getBoundingClientRect();
    const dy = Math.min(0, box.bottom - 4 - m.bottom), dx = Math.min(0, box.right - 4 - m.right);
    wrapper.style.top = `${Math.max(box.top, parseFloat(wrapper.style.top) + dy)}px`;
    wrapper.style.left = `${Math.max(box.left, parseFloat(wrapper.style.left) + dx)}px`;
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
    let intoBlock = false;
    for (const target of this.rewired) {
      // A collapsed block's inputs are its members' inputs: rewiring them waits for the block to be expanded.
      if (groupIdOf(target) !== null) {
        intoBlock = true;
        continue;
      }
      inputs[target] = connections
        .filter((c) => c.target === target)
        .sort((a, b) => Number(String(a.targetInput).slice(2)) - Number(String(b.targetInput).slice(2)))
        .map((c) => this.realSource(c.source, String(c.sourceOutput)));
    }
    this.rewired.clear();
    if (intoBlock) {
      this.fire('canvas-message', { text: 'Expand the block (G) to change the wires into it.' });
      void this.sync();
    }
    if (Object.keys(inputs).length) this.fire('rewire', { inputs });
  }

  /** The graph node behind a drawn wire's source: a collapsed block's output socket stands for one member. */
  private realSource(source: string, output: string): string {
    const g = groupIdOf(source);
    if (g === null) return source;
    return this.view.groups.get(g)?.outputs[Number(output.slice(3))] ?? source;
  }

  private flushMoves(): void {
    if (!this.moved.size) return;
    const positions: Record<string, Position> = {};
    for (const id of this.moved) {
      const view = this.area.nodeViews.get(id);
      if (view) Object.assign(positions, this.positionsOf(id, view.position));
    }
    this.moved.clear();
    this.fire('nodes-moved', { positions });
  }

  /** Graph positions for a drawn node at `at`: a collapsed block moves all its members by as much. */
  private positionsOf(id: string, at: Position): Record<string, Position> {
    const g = groupIdOf(id);
    if (g === null) return { [id]: { ...at } };
    const cg = this.view.groups.get(g);
    if (!cg) return {};
    const dx = at.x - cg.origin.x, dy = at.y - cg.origin.y;
    const out: Record<string, Position> = {};
    for (const n of this.graph.nodes) if (cg.group.nodes.includes(n.id) && n.layout) out[n.id] = { x: n.layout.x + dx, y: n.layout.y + dy };
    return out;
  }

  /** Quick add on the background, at the point right-clicked; a node's commands on a node. */
  private menu(context: 'root' | OpNode): MenuItems {
    return context === 'root'
      ? { searchBar: true, list: this.quickAdd.map((item) => ({ label: item.label, key: `${item.kind}:${item.type}`, handler: () => this.fire('add-item', { kind: item.kind, type: item.type, position: this.menuAt }) })) }
      : { searchBar: false, list: this.nodeMenu(context) };
  }

  /** What a node's context menu offers: its block's collapse or expand among the usual commands. */
  private nodeMenu(node: OpNode): { label: string; key: string; handler: () => void }[] {
    const command = (name: string) => () => this.fire('node-command', { command: name, id: node.id, ids: this.realIds([node.id]) });
    if (node.groupId !== null) {
      const cg = this.view.groups.get(node.groupId);
      return [
        { label: `Expand block ${cg?.group.name ?? ''}`, key: 'expand', handler: () => this.fire('group-command', { ids: [node.groupId], collapse: false }) },
        { label: 'Delete block', key: 'delete', handler: command('delete') },
        { label: 'Duplicate block', key: 'duplicate', handler: command('duplicate') },
      ];
    }
    const group = this.view.groupOf.get(node.id);
    return [
      ...(group ? [{ label: `Collapse block ${group.name}`, key: 'collapse', handler: () => this.fire('group-command', { ids: [group.id], collapse: true }) }] : []),
      { label: 'Duplicate', key: 'duplicate', handler: command('duplicate') },
      { label: 'Delete', key: 'delete', handler: command('delete') },
      { label: 'Extract features here', key: 'extract', handler: command('extract') },
      { label: node.face.run?.strip ? 'Hide its maps on the canvas' : 'Show its maps on the canvas', key: 'toggle-maps', handler: command('toggle-maps') },
    ];
  }

  /** Drawn ids to graph node ids: a collapsed block stands for its members. */
  private realIds(ids: Iterable<string>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      const g = groupIdOf(id);
      if (g === null) out.push(id);
      else out.push(...(this.view.groups.get(g)?.group.nodes ?? []));
    }
    return out;
  }

  /** Graph node ids to drawn ids: a hidden node is drawn as its collapsed block. */
  private drawnIds(ids: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const id of ids) {
      const g = this.view.hiddenBy.get(id);
      out.add(g === undefined ? id : groupNodeId(g));
    }
    return [...out];
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
    const view = (this.view = collapsedView(graph, report.groups));
    const wanted = new Map<string, { op: GraphFile['nodes'][number] } | { block: CollapsedGroup }>();
    for (const n of graph.nodes) if (!view.hiddenBy.has(n.id)) wanted.set(n.id, { op: n });
    for (const cg of view.groups.values()) wanted.set(groupNodeId(cg.group.id), { block: cg });
    const links = drawnLinks(graph, view);
    const linkKey = (source: string, output: string, target: string, input: string) => `${source}\u0000${output}\u0000${target}\u0000${input}`;
    const wantedLinks = new Set(links.map((l) => linkKey(l.source, l.output, l.target, l.input)));

    for (const c of this.editor.getConnections())
      if (!wantedLinks.has(linkKey(c.source, String(c.sourceOutput), c.target, String(c.targetInput)))) await this.editor.removeConnection(c.id);
    for (const node of this.editor.getNodes()) {
      const want = wanted.get(node.id);
      const stale = !want || ('op' in want
        ? node.groupId !== null || want.op.op !== node.op
        : !(node instanceof GroupNode) || node.signature !== `${want.block.inputs.length}:${want.block.outputs.length}`);
      if (stale) {
        for (const c of this.editor.getConnections()) if (c.source === node.id || c.target === node.id) await this.editor.removeConnection(c.id);
        if (node.selected) await this.selectable.unselect(node.id);
        await this.editor.removeNode(node.id);
      }
    }

    for (const [id, want] of wanted) {
      let node = this.editor.getNode(id);
      const isNew = !node;
      const inputs = 'op' in want ? want.op.inputs ?? [] : want.block.inputs;
      if (!node) {
        node = 'op' in want ? new OpNode(findOp(want.op.op), want.op.op, id) : new GroupNode(want.block.group.id, id, want.block.inputs.length, want.block.outputs.length);
        node.setInputCount(node.socketsFor(inputs.length));
        node.setFace('op' in want ? this.faceOf(node, inputs, report) : this.blockFace(want.block, report));
        await this.editor.addNode(node);
      }
      const socketsChanged = node.setInputCount(node.socketsFor(inputs.length));
      const faceChanged = node.setFace('op' in want ? this.faceOf(node, inputs, report) : this.blockFace(want.block, report));
      if (!isNew && (socketsChanged || faceChanged)) await this.area.update('node', node.id);
      const at = 'op' in want ? want.op.layout ?? { x: 0, y: 0 } : want.block.origin;
      const nodeView = this.area.nodeViews.get(id);
      if (nodeView && (nodeView.position.x !== at.x || nodeView.position.y !== at.y)) await this.area.translate(id, at);
    }

    const existing = new Set(this.editor.getConnections().map((c) => linkKey(c.source, String(c.sourceOutput), c.target, String(c.targetInput))));
    for (const l of links) {
      const source = this.editor.getNode(l.source);
      const target = this.editor.getNode(l.target);
      if (!source || !target || existing.has(linkKey(l.source, l.output, l.target, l.input))) continue;
      await this.editor.addConnection(new ClassicPreset.Connection(source, l.output as never, target, l.input as never));
    }
  }

  /** A collapsed block's face: its name, summed params and FLOPs, its last member's shape, any member's error. */
  private blockFace(cg: CollapsedGroup, report: GraphReport): NodeFace {
    const { group, inputs, outputs } = cg;
    const s = groupStats(group, report);
    const first = s.problems[0];
    const shapeOf = (id: string) => {
      const shape = report.byId.get(id)?.shape;
      return shape ? formatShape(shape) : '?';
    };
    return {
      name: group.name,
      keyAttrs: `${group.nodes.length} layers`,
      shape: s.shape ? formatShape(s.shape) : '?',
      params: formatCount(s.params),
      flops: formatCompactCount(s.flops),
      error: first ? { message: `${first.node}: ${first.message}${s.problems.length > 1 ? ` (+${s.problems.length - 1} more)` : ''}`, hint: first.hint } : null,
      run: null,
      group: { id: group.id, name: group.name, collapsed: true },
      inputLabels: inputs.map(shapeOf),
      outputLabels: outputs.length > 1 ? outputs.map((id) => report.byId.get(id)?.name ?? id) : ['out'],
    };
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
      params: formatCount((r?.params.trainable ?? 0) + (r?.params.nonTrainable ?? 0)),
      flops: formatCompactCount(r?.flops ?? 0),
      error: problem ? { message: problem.message + (more > 0 ? ` (+${more} more)` : ''), hint: problem.hint } : null,
      run: this.runInfo.get(node.id) ?? null,
      group: (() => {
        const g = this.view.groupOf.get(node.id);
        return g ? { id: g.id, name: g.name, collapsed: false } : null;
      })(),
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

  /** The selected graph nodes (a selected collapsed block counts as all its members). */
  selectedIds(): string[] {
    return this.realIds(this.editor.getNodes().filter((n) => n.selected).map((n) => n.id));
  }

  async select(ids: string[]): Promise<void> {
    await this.updateComplete;
    await this.syncQueue;
    const drawn = this.drawnIds(ids);
    for (const n of this.editor.getNodes()) if (n.selected && !drawn.includes(n.id)) await this.selectable.unselect(n.id);
    for (const id of drawn) if (this.editor.getNode(id)) await this.selectable.select(id, true);
    this.emitSelection();
  }

  /**
   * Fits the graph, but no smaller than a readable zoom: a longer graph then shows its beginning (its
   * inputs, on the left), centred vertically, and the rest is a pan away. For opening a graph.
   */
  async fitReadable(minScale = READABLE_ZOOM): Promise<void> {
    await this.fit();
    if (this.area.area.transform.k >= minScale) return;
    const box = this.bounds(this.editor.getNodes().map((n) => n.id));
    if (!box) return;
    const { left, top, bottom } = box;
    const rect = this.area.container.getBoundingClientRect();
    const margin = 24;
    const y = (bottom - top) * minScale <= rect.height - 2 * margin ? rect.height / 2 - ((top + bottom) / 2) * minScale : margin - top * minScale;
    await this.area.area.zoom(minScale, 0, 0);
    await this.area.area.translate(margin - left * minScale, y);
  }

  async fit(ids?: string[]): Promise<void> {
    await this.updateComplete;
    await this.syncQueue;
    const drawn = ids && this.drawnIds(ids);
    const nodes = drawn ? this.editor.getNodes().filter((n) => drawn.includes(n.id)) : this.editor.getNodes();
    if (nodes.length) await AreaExtensions.zoomAt(this.area, nodes, { scale: 0.9 });
  }

  /** The box around drawn nodes, in graph coordinates; null when none of them is drawn. */
  private bounds(drawnIds: string[]): { left: number; top: number; right: number; bottom: number } | null {
    const nodes = drawnIds.map((id) => ({ node: this.editor.getNode(id), view: this.area.nodeViews.get(id) })).filter((n) => n.node && n.view);
    if (!nodes.length) return null;
    return {
      left: Math.min(...nodes.map((n) => n.view!.position.x)), top: Math.min(...nodes.map((n) => n.view!.position.y)),
      right: Math.max(...nodes.map((n) => n.view!.position.x + n.node!.width)), bottom: Math.max(...nodes.map((n) => n.view!.position.y + n.node!.height)),
    };
  }

  /** Brings nodes into view: centred at the current zoom, or zoomed out to fit when they are bigger than it. */
  async reveal(ids: string[]): Promise<void> {
    await this.updateComplete;
    await this.syncQueue;
    const box = this.bounds(this.drawnIds(ids));
    if (!box) return;
    const { left, top, right, bottom } = box;
    const { k, x, y } = this.area.area.transform;
    const rect = this.area.container.getBoundingClientRect();
    if (left * k + x >= 0 && top * k + y >= 0 && right * k + x <= rect.width && bottom * k + y <= rect.height) return;
    if ((right - left) * k > rect.width || (bottom - top) * k > rect.height) return this.fit(ids);
    await this.area.area.translate(rect.width / 2 - ((left + right) / 2) * k, rect.height / 2 - ((top + bottom) / 2) * k);
  }

  async focusNode(id: string): Promise<void> {
    await this.select([id]);
    await this.fit([id]);
    const view = this.area.nodeViews.get(this.drawnIds([id])[0]);
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
    for (const [id, view] of this.area.nodeViews) Object.assign(positions, this.positionsOf(id, { x: Math.round(view.position.x), y: Math.round(view.position.y) }));
    return positions;
  }

  // ── rubber-band selection ──

  /** Shift/Ctrl + drag on the background: nodes the rectangle touches become the selection (Ctrl adds). */
  private onBandDown = (e: PointerEvent): void => {
    if (!bandModifier(e) || e.button !== 0) return;
    // Only the background: a node's own pointerdown (Ctrl+click to add it) does not reach here.
    if ((e.composedPath() as Element[]).some((el) => el instanceof HTMLElement && el.localName === 'dw-node')) return;
    const host = this.getBoundingClientRect();
    const x = e.clientX - host.left, y = e.clientY - host.top;
    const additive = e.ctrlKey || e.metaKey;
    const before = additive ? this.editor.getNodes().filter((n) => n.selected).map((n) => n.id) : [];
    this.band = { x0: x, y0: y, x1: x, y1: y, add: additive };
    e.preventDefault();
    const move = (ev: PointerEvent) => {
      if (this.band) this.band = { ...this.band, x1: ev.clientX - host.left, y1: ev.clientY - host.top };
    };
    const up = (ev: PointerEvent) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      move(ev);
      const band = this.band;
      this.band = null;
      if (!band) return;
      const a = this.toArea(host.left + Math.min(band.x0, band.x1), host.top + Math.min(band.y0, band.y1));
      const b = this.toArea(host.left + Math.max(band.x0, band.x1), host.top + Math.max(band.y0, band.y1));
      const inside = this.editor.getNodes().filter((n) => {
        const p = this.area.nodeViews.get(n.id)?.position;
        return p && p.x < b.x && p.x + n.width > a.x && p.y < b.y && p.y + n.height > a.y;
      }).map((n) => n.id);
      void this.selectDrawn([...new Set([...before, ...inside])]);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  private async selectDrawn(drawn: string[]): Promise<void> {
    for (const n of this.editor.getNodes()) if (n.selected && !drawn.includes(n.id)) await this.selectable.unselect(n.id);
    for (const id of drawn) await this.selectable.select(id, true);
    this.emitSelection();
  }

  // ── keyboard ──

  /** Tab into a node off screen: bring it into view (the area is transformed, not scrolled). */
  private onFocusIn = (e: FocusEvent): void => {
    const container = this.area.container;
    container.scrollTop = 0;
    container.scrollLeft = 0;
    // Only keyboard focus pans: a click must not move the node from under the pointer.
    if (!(e.composedPath()[0] as Element).matches?.(':focus-visible')) return;
    const node = (e.composedPath() as Element[]).find((el) => el instanceof HTMLElement && el.localName === 'dw-node') as (HTMLElement & { data?: OpNode }) | undefined;
    const id = node?.data?.id;
    if (!id) return;
    // Tabbing onto a node selects it, so Delete, G, the arrows and the inspector act on what has focus.
    if (e.composedPath()[0] === node && !this.editor.getNode(id)?.selected) void this.select(this.realIds([id]));
    const rect = node!.getBoundingClientRect();
    const box = this.getBoundingClientRect();
    if (rect.left >= box.left && rect.right <= box.right && rect.top >= box.top && rect.bottom <= box.bottom) return;
    const view = this.area.nodeViews.get(id);
    if (!view) return;
    const k = this.area.area.transform.k;
    void this.area.area.translate(box.width / 2 - (view.position.x + NODE_HALF) * k, box.height / 2 - (view.position.y + 80) * k);
  };

  private onNodeKey = (e: CustomEvent<{ id: string; action: string; side?: 'input' | 'output'; key?: string }>): void => {
    e.stopPropagation();
    const { id, action, side, key } = e.detail;
    if (action === 'edit') {
      void this.select(this.realIds([id]).slice(0, groupIdOf(id) === null ? 1 : undefined)).then(() => this.fire('node-command', { command: 'edit', id }));
      return;
    }
    if (action === 'cancel') return void this.setPending(null);
    if (!side || !key) return;
    if (action === 'cut') return void this.cut(id, key);
    const node = this.editor.getNode(id);
    const label = `${node?.face.name ?? id} ${side === 'output' ? key : `input ${key.slice(2)}`}`;
    const p = this.pending;
    if (!p || p.side === side || p.id === id) return void this.setPending(p && p.id === id && p.key === key ? null : { id, side, key, label });
    this.setPending(null);
    const out = side === 'output' ? { id, key } : { id: p.id, key: p.key };
    const inp = side === 'input' ? { id, key } : { id: p.id, key: p.key };
    void this.connectPorts(out, inp);
  };

  private setPending(p: typeof this.pending): void {
    const touched = new Set([this.pending?.id, p?.id].filter((x): x is string => !!x));
    this.pending = p;
    for (const id of touched) void this.area.update('node', id);
  }

  /** A keyboard-made wire goes through Rete like a dragged one (one rewire event, one undo step). */
  private async connectPorts(out: { id: string; key: string }, inp: { id: string; key: string }): Promise<void> {
    const source = this.editor.getNode(out.id), target = this.editor.getNode(inp.id);
    if (!source || !target) return;
    for (const c of this.editor.getConnections()) if (c.target === inp.id && c.targetInput === inp.key) await this.editor.removeConnection(c.id);
    await this.editor.addConnection(new ClassicPreset.Connection(source, out.key as never, target, inp.key as never));
  }

  private async cut(id: string, key: string): Promise<void> {
    for (const c of this.editor.getConnections()) if (c.target === id && c.targetInput === key) await this.editor.removeConnection(c.id);
  }

  private onGroupToggle = (e: CustomEvent<{ id: string; collapse: boolean }>): void => {
    e.stopPropagation();
    this.fire('group-command', { ids: [e.detail.id], collapse: e.detail.collapse });
  };
}

declare global {
  interface HTMLElementTagNameMap { 'dw-canvas': GraphCanvas }
}
