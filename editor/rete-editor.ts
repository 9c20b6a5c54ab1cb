/** Rete's editor as the canvas uses it, built in one place (Rete v2's createEditor shape): the node editor,
 *  its area with selection, connections, Lit rendering, minimap, context menu and auto-arrange, and the
 *  tuning that keeps them fast on big graphs. What the canvas draws and which gestures become its events
 *  stay in graph-canvas.ts; it reaches in through the hooks. */
import { html } from 'lit';
import { ClassicPreset, NodeEditor, type GetSchemes } from 'rete';
import { AreaExtensions, AreaPlugin, Drag } from 'rete-area-plugin';
import { ConnectionPlugin, Presets as ConnectionPresets } from 'rete-connection-plugin';
import { LitPlugin, Presets, type LitArea2D } from '@retejs/lit-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import { BaseSocketPosition, getElementCenter } from 'rete-render-utils';
import { ContextMenuPlugin, type ContextMenuExtra } from 'rete-context-menu-plugin';
import { AutoArrangePlugin, Presets as ArrangePresets } from 'rete-auto-arrange-plugin';
import { groupIdOf } from './groups.ts';
import type { OpNode } from './op-node.ts';
import './node-view.ts';

export type Schemes = GetSchemes<OpNode, ClassicPreset.Connection<OpNode, OpNode> & { isLoop?: boolean }>;
export type AreaExtra = LitArea2D<Schemes> | MinimapExtra | ContextMenuExtra;

/** What a context menu lists: quick add on the background ('root'), a node's commands on a node. */
export interface MenuItems { searchBar: boolean; list: { label: string; key: string; handler: () => void }[] }

/** Shift-, Ctrl- and Cmd-drags on the background draw a selection rectangle (the canvas's) instead of panning. */
export const bandModifier = (e: PointerEvent | MouseEvent): boolean => e.shiftKey || e.ctrlKey || e.metaKey;

export interface EditorHooks {
  /** The context menu for the background ('root') or a node. */
  menu(context: 'root' | OpNode): MenuItems;
  /** The port a keyboard connection starts from on node `id` (`output:out`, `input:in0`), or ''. */
  pendingPort(id: string): string;
  /** Whether the canvas is changing Rete itself (a sync or an arrange): the minimap sits those node events out. */
  syncing(): boolean;
}

export interface Editor {
  editor: NodeEditor<Schemes>;
  area: AreaPlugin<Schemes, AreaExtra>;
  arrange: AutoArrangePlugin<Schemes>;
  selectable: ReturnType<typeof AreaExtensions.selectableNodes>;
}

/**
 * Socket positions without a layout per socket. Every op node (and every block node) draws its ports
 * at the same offsets, so each (side, socket, kind) is measured once and reused: the DOM watcher's
 * per-socket getElementCenter forced a layout each time, which froze the page for seconds on big graphs.
 */
class SharedSocketPosition<S extends Schemes, K> extends BaseSocketPosition<S, K> {
  private offsets = new Map<string, { x: number; y: number }>();

  async calculatePosition(nodeId: string, side: 'input' | 'output', key: string, element: HTMLElement): Promise<{ x: number; y: number } | null> {
    const view = this.area?.nodeViews.get(nodeId);
    if (!view?.element) return null;
    const id = `${side}:${key}:${groupIdOf(nodeId) !== null}`;
    let at = this.offsets.get(id);
    if (!at) {
      const centre = await getElementCenter(element, view.element);
      // As the DOM watcher does: the wire meets the socket 12 px outside its centre.
      at = { x: centre.x + 12 * (side === 'input' ? -1 : 1), y: centre.y };
      this.offsets.set(id, at);
    }
    return { ...at };
  }
}

/** The editor drawn in `container`. Pipes that turn its events into the canvas's are added after this. */
export function createEditor(container: HTMLElement, hooks: EditorHooks): Editor {
  const editor = new NodeEditor<Schemes>();
  const area = new AreaPlugin<Schemes, AreaExtra>(container);
  const connection = new ConnectionPlugin<Schemes, AreaExtra>();
  const render = new LitPlugin<Schemes, AreaExtra>();
  const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
  const menu = new ContextMenuPlugin<Schemes>({ items: (context) => hooks.menu(context) });
  const arrange = new AutoArrangePlugin<Schemes>();

  // Dragging a node of a multi-selection (Ctrl+click or rubber band) moves them all: picking a selected
  // node keeps the selection, as Ctrl does. This pipe runs before selectableNodes' own.
  const ctrl = AreaExtensions.accumulateOnCtrl();
  let pickedSelected = false;
  area.addPipe((ctx) => {
    if (ctx.type === 'nodepicked') pickedSelected = !!editor.getNode(ctx.data.id)?.selected;
    return ctx;
  });
  const selectable = AreaExtensions.selectableNodes(area, AreaExtensions.selector(), { accumulating: { active: () => ctrl.active() || pickedSelected } });
  // Shift- and Ctrl-drags on the background draw a selection rectangle instead of panning.
  area.area.setDragHandler(new Drag({
    down: (e) => !(e.pointerType === 'mouse' && e.button !== 0) && !bandModifier(e),
    move: () => true,
  }));
  render.addPreset(Presets.classic.setup({
    socketPositionWatcher: new SharedSocketPosition<Schemes, AreaExtra>() as never,
    customize: {
      node: (ctx) => ({ emit }) => html`<dw-node .data=${ctx.payload} .emit=${emit} .pending=${hooks.pendingPort(ctx.payload.id)}></dw-node>`,
    },
  }));
  // Mutable: the minimap's height follows the graph's shape (shapeMinimap), read by the preset on every draw.
  const minimapSize = { size: MINIMAP_PX };
  render.addPreset(Presets.minimap.setup(minimapSize));
  render.addPreset(Presets.contextMenu.setup());
  connection.addPreset(ConnectionPresets.classic.setup());
  arrange.addPreset(ArrangePresets.classic.setup());

  editor.use(area);
  area.use(connection);
  area.use(render);
  // The minimap redraws every node on every node event: during a sync that is O(n²) (seconds at 500
  // nodes). Plugins added after this pipe don't see the sync's node events; one redraw follows it.
  const nodeEvent = (ctx: { type: string; data?: unknown }) => ['nodecreated', 'nodetranslated', 'noderemoved', 'noderesized'].includes(ctx.type)
    || (ctx.type === 'render' && (ctx.data as { type?: string }).type === 'node');
  const refreshMinimapSoon = minimapRefresher(area);
  area.addPipe((ctx) => {
    if (hooks.syncing() && nodeEvent(ctx)) return undefined;
    // Panning and zooming redraw the minimap once the gesture pauses: it rescales with the viewport, so
    // a redraw restyles every mini node (~30 ms a frame at 500 nodes in software rendering).
    if (ctx.type === 'translated' || ctx.type === 'zoomed') {
      refreshMinimapSoon();
      return undefined;
    }
    return ctx;
  });
  area.addPipe((ctx) => {
    if (['nodecreated', 'nodetranslated', 'noderemoved', 'noderesized', 'resized'].includes(ctx.type)) shapeMinimap(editor, area, minimap, minimapSize);
    return ctx;
  });
  area.use(minimap);
  // A double-click on the background opens quick add, as a right-click does, rather than zooming in.
  area.addPipe((ctx) => (ctx.type === 'zoom' && ctx.data.source === 'dblclick' ? undefined : ctx));
  container.addEventListener('dblclick', (event) => {
    if (event.composedPath().some((el) => el instanceof HTMLElement && ['DW-NODE', 'RETE-CONTEXT-MENU', 'RETE-MINIMAP'].includes(el.tagName))) return;
    void area.emit({ type: 'contextmenu', data: { event, context: 'root' } });
  });
  // Pan and zoom move one composited layer instead of repainting every node. Only the content holder:
  // on the minimap's and the menu's wrappers it would make them the containing block of their own
  // absolutely placed contents (the minimap ended up above the canvas, out of sight).
  area.area.content.holder.style.willChange = 'transform';
  area.use(menu);
  area.use(arrange);
  AreaExtensions.simpleNodesOrder(area);
  return { editor, area, arrange, selectable };
}

/** The minimap's box at most this wide and tall (px). */
const MINIMAP_PX = 180, MINIMAP_WIDE_PX = 240;

/**
 * The minimap's box in the graph's shape, up to 3:1, at most 240 × 180 px: a long graph (InceptionV3's 312
 * layers in a row) is a strip in the canvas's corner, where a 180 px square drew it as a line across its
 * middle, half the height of a canvas with the maps open below it.
 */
function shapeMinimap(editor: NodeEditor<Schemes>, area: AreaPlugin<Schemes, AreaExtra>, minimap: MinimapPlugin<Schemes>, props: { size: number }): void {
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
  for (const [id, view] of area.nodeViews) {
    const node = editor.getNode(id);
    if (!node) continue;
    left = Math.min(left, view.position.x);
    top = Math.min(top, view.position.y);
    right = Math.max(right, view.position.x + node.width);
    bottom = Math.max(bottom, view.position.y + node.height);
  }
  minimap.ratio = right > left ? Math.min(3, Math.max(1, (right - left) / Math.max(1, bottom - top))) : 1;
  props.size = Math.min(MINIMAP_PX, Math.round(MINIMAP_WIDE_PX / minimap.ratio));
}

/** The minimap's redraw, 150 ms after the last pan or zoom event and at least every half second during a long gesture. */
function minimapRefresher(area: AreaPlugin<Schemes, AreaExtra>): () => void {
  let timer = 0;
  let due = 0;
  return () => {
    const now = performance.now();
    if (!timer) due = now + 500;
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      timer = 0;
      void area.emit({ type: 'resized', data: { event: new Event('resize') } });
    }, Math.max(0, Math.min(150, due - now)));
  };
}
