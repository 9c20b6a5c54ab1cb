/** One op node on the canvas: op and name, key attrs, sockets, output shape, params, FLOPs, and the
 *  validation error in words; or a collapsed block (data.groupId set) with its summed cost. Rendered by
 *  @retejs/lit-plugin, which sets `data` and `emit`. Focusable (Tab), as are its ports: Enter on the
 *  node edits it, Enter on a port starts or ends a connection, Delete on an input port cuts its wire.
 *  @fires node-key - detail: { id, action: 'edit' | 'port' | 'cut', side?, key? } (bubbles out of the canvas' shadow root)
 *  @fires group-toggle - detail: { id: groupId, collapse: boolean }
 *  @fires map-open - detail: { id, channel } a map of the node's strip on the canvas was clicked */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { NodeStrip, OpNode } from './op-node.ts';

type Emit = (signal: unknown) => void;

const NAME_FONT = '11px ui-monospace, monospace';
/** Height of a strip of maps below a node, in canvas pixels: with its 4 px offset it fits the 40 px ELK leaves between nodes. */
const STRIP_HEIGHT = 34;
const ATTRS_FONT = '12px system-ui, sans-serif';
let measurer: CanvasRenderingContext2D | null | undefined;
const widths = new Map<string, number>();

/** Text width on a canvas (no layout), cached: tells which lines need clipping with an ellipsis. */
function textWidth(font: string, text: string): number {
  const key = `${font}\u0000${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    measurer ??= document.createElement('canvas').getContext('2d');
    if (!measurer) return Infinity; // no 2D canvas: clip everything, as before
    measurer.font = font;
    w = measurer.measureText(text).width;
    if (widths.size > 20_000) widths.clear();
    widths.set(key, w);
  }
  return w;
}

@customElement('dw-node')
export class NodeView extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      box-sizing: border-box;
      border: 1.5px solid var(--dw-node-border);
      border-radius: 8px;
      background: var(--dw-node-bg);
      color: var(--dw-fg);
      font: 12px/1.35 system-ui, sans-serif;
      user-select: none;
      cursor: grab;
    }
    :host([selected]) { border-color: var(--dw-accent); box-shadow: 0 0 0 2px var(--dw-accent); }
    :host([invalid]) { border-color: var(--dw-error); }
    .head { display: flex; align-items: center; gap: 6px; padding: 6px 10px 0; border-radius: 8px 8px 0 0; }
    .op { font-weight: 600; font-size: 13px; color: var(--dw-cat, var(--dw-fg)); }
    .badge {
      margin-left: auto; min-width: 16px; height: 16px; border-radius: 8px; background: var(--dw-error); color: white;
      font-weight: 700; font-size: 11px; text-align: center; pointer-events: none;
    }
    .name, .attrs { padding: 0 10px; white-space: nowrap; }
    /* Only lines too long for the node clip: every clip is a paint chunk of its own, and Blink re-sorts
       all chunks into layers on each pan and zoom frame (two clips a node tripled that at 500 nodes). */
    .clip { overflow: hidden; text-overflow: ellipsis; }
    .name { color: var(--dw-muted); font-family: ui-monospace, monospace; font-size: 11px; }
    .attrs { height: 18px; color: var(--dw-fg); }
    .ports { display: flex; justify-content: space-between; padding: 4px 0; flex: 1; }
    .port { display: flex; align-items: center; height: 26px; gap: 4px; }
    .port span { color: var(--dw-muted); font-size: 11px; }
    .port:focus-visible { outline: 2px solid var(--dw-accent); outline-offset: -1px; border-radius: 4px; }
    .port.pending span { color: var(--dw-accent); font-weight: 700; }
    :host(:focus-visible) { outline: 3px solid var(--dw-accent); outline-offset: 2px; }
    .toggle {
      border: 1px solid var(--dw-border); border-radius: 4px; background: var(--dw-input-bg, transparent); color: var(--dw-muted);
      font: 11px system-ui, sans-serif; padding: 0 4px; cursor: pointer; max-width: 110px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
    }
    .toggle:hover { color: var(--dw-fg); }
    :host([block]) { border-style: double; border-width: 3px; }
    .in rete-ref { margin-left: -13px; }
    .out rete-ref { margin-right: -13px; }
    .stats { padding: 0 10px 6px; font-variant-numeric: tabular-nums; }
    .shape { font-weight: 600; font-family: ui-monospace, monospace; }
    .cost { color: var(--dw-muted); }
    .time { margin-left: auto; font-size: 11px; color: var(--dw-muted); font-variant-numeric: tabular-nums; pointer-events: none; }
    :host([heat]) { background: color-mix(in srgb, var(--dw-node-bg), #e8590c var(--dw-heat)); }
    .stats { display: flex; gap: 6px; align-items: end; }
    .stats > div { flex: 1; min-width: 0; }
    .mosaic { height: 38px; max-width: 64px; image-rendering: pixelated; border-radius: 3px; pointer-events: none; }
    .mosaic.stale, .time.stale, .strip.stale { opacity: 0.35; }
    /* The strip hangs below the node, in the room the layout leaves between rows; the node's size (which
       ELK and the minimap read) stays the same. */
    :host { position: relative; }
    .strip { position: absolute; left: 0; top: calc(100% + 4px); image-rendering: pixelated; border-radius: 3px; cursor: pointer; box-shadow: 0 1px 4px rgb(0 0 0 / 0.25); }
    .strip.photo { image-rendering: auto; }
    .error {
      margin: 0 6px 6px; padding: 3px 6px; height: 34px; box-sizing: border-box; border-radius: 4px; overflow: hidden;
      background: var(--dw-error-bg); color: var(--dw-error); font-size: 11px; line-height: 14px; pointer-events: none;
      display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
    }
  `;

  @property({ attribute: false }) data!: OpNode;
  @property({ attribute: false }) emit: Emit | null = null;
  /** The port a keyboard connection starts from, `${side}:${key}` (set by the canvas). */
  @property({ attribute: false }) pending = '';
  private clipName = false;
  private clipAttrs = false;

  override willUpdate(): void {
    const { face, id, op, selected, groupId } = this.data;
    this.dataset.testid = groupId !== null ? 'group-node' : 'node';
    this.dataset.nodeId = id;
    this.dataset.op = op;
    if (groupId !== null) this.dataset.groupId = groupId;
    this.toggleAttribute('block', groupId !== null);
    this.tabIndex = 0;
    this.toggleAttribute('selected', !!selected);
    this.toggleAttribute('invalid', !!face.error);
    const heat = face.run?.heat;
    this.toggleAttribute('heat', heat != null);
    if (heat != null) this.style.setProperty('--dw-heat', `${Math.round(heat * 85)}%`);
    // Room between the paddings and borders (a block's double border is the wider).
    const room = this.data.width - 28;
    this.clipName = textWidth(NAME_FONT, face.name) > room;
    this.clipAttrs = textWidth(ATTRS_FONT, face.keyAttrs) > room;
    this.style.width = `${this.data.width}px`;
    this.style.height = `${this.data.height}px`;
    this.style.setProperty('--dw-cat', `var(--dw-cat-${(this.data.def?.category ?? 'Core').toLowerCase()})`);
    this.setAttribute('role', 'group');
    const what = groupId !== null ? `Block ${face.name} (${face.keyAttrs}, collapsed)` : `${op} ${face.name}`;
    this.setAttribute('aria-label', `${what}, output ${face.shape && face.shape !== '?' ? face.shape : 'unknown'}, ${face.params} params${face.error ? `, error: ${face.error.message}` : ''}`);
    this.title = face.error ? `${face.error.message}${face.error.hint ? `\n→ ${face.error.hint}` : ''}` : '';
  }

  override render() {
    const { face, id, op } = this.data;
    const inputs = Object.entries(this.data.inputs);
    const outputs = Object.entries(this.data.outputs);
    const block = this.data.groupId !== null;
    const ref = (side: 'input' | 'output', key: string, socket: unknown) =>
      html`<rete-ref .data=${{ type: 'socket', side, key, nodeId: id, payload: socket }} .emit=${this.emit}></rete-ref>`;
    const port = (side: 'input' | 'output', key: string, label: string) => ({
      class: `port ${side === 'input' ? 'in' : 'out'} ${this.pending === `${side}:${key}` ? 'pending' : ''}`,
      aria: `${side === 'input' ? `input ${key.slice(2)}` : `output${outputs.length > 1 ? ` ${key.slice(3)}` : ''}`} of ${block ? 'block' : op} ${face.name}, ${label}`,
      keydown: (e: KeyboardEvent) => this.onPortKey(e, side, key),
    });
    const group = face.group;
    return html`
      <div class="head">
        <span class="op">${op}</span>
        ${group ? html`<button class="toggle" data-testid="group-toggle" title=${group.collapsed ? `Expand block ${group.name} (G)` : `Collapse block ${group.name} (G)`}
          aria-label=${group.collapsed ? `Expand block ${group.name}` : `Collapse block ${group.name}`}
          @pointerdown=${(e: Event) => e.stopPropagation()} @pointerup=${(e: PointerEvent) => e.button === 0 && this.toggleGroup()}
          @click=${(e: MouseEvent) => e.detail === 0 && this.toggleGroup()}>${group.collapsed ? '▸ expand' : `▾ ${group.name}`}</button>` : nothing}
        ${face.run ? html`<span class="time ${face.run.stale ? 'stale' : ''}" data-testid="node-time" title=${face.run.title}>${face.run.time}</span>` : nothing}
        ${face.error ? html`<span class="badge" aria-hidden="true">!</span>` : nothing}
      </div>
      <div class="name ${this.clipName ? 'clip' : ''}" data-testid="node-name">${face.name}</div>
      <div class="attrs ${this.clipAttrs ? 'clip' : ''}" data-testid="key-attrs">${face.keyAttrs}</div>
      <div class="ports">
        <div>
          ${inputs.map(([key, input], i) => {
            if (!input) return nothing;
            const p = port('input', key, face.inputLabels[i] ?? key);
            return html`<div class=${p.class} data-testid="input-${key}" tabindex="0" role="button" aria-label=${p.aria} @keydown=${p.keydown}>${ref('input', key, input.socket)}<span>${face.inputLabels[i] ?? key}</span></div>`;
          })}
        </div>
        <div>
          ${outputs.map(([key, output], k) => {
            if (!output) return nothing;
            const label = face.outputLabels?.[k] ?? 'out';
            const p = port('output', key, `${label}${outputs.length === 1 ? `, ${face.shape}` : ''}`);
            return html`<div class=${p.class} data-testid="output-${key}" tabindex="0" role="button" aria-label=${p.aria} @keydown=${p.keydown}><span>${label}</span>${ref('output', key, output.socket)}</div>`;
          })}
        </div>
      </div>
      <div class="stats">
        <div>
          <div class="shape" data-testid="output-shape">${face.shape}</div>
          <div class="cost"><span data-testid="params">${face.params}</span> params · <span data-testid="flops">${face.flops}</span> FLOPs</div>
        </div>
        ${face.run?.mosaic ? html`<img class="mosaic ${face.run.stale ? 'stale' : ''}" data-testid="node-mosaic" src=${face.run.mosaic} alt="" />` : nothing}
      </div>
      ${face.error ? html`<div class="error" data-testid="error">${face.error.message}${face.error.hint ? html` — ${face.error.hint}` : nothing}</div>` : nothing}
      ${face.run?.strip ? this.strip(face.run.strip, face.run.stale) : nothing}
    `;
  }

  /** The maps as drawn on the canvas: STRIP_HEIGHT tall (the photo twice that, a vector's cells a third), no wider than the node; a click opens that map. */
  private strip(s: NodeStrip, stale: boolean) {
    const tall = s.kind === 'photo' ? 2 * STRIP_HEIGHT : s.kind === 'values' ? STRIP_HEIGHT / 3 : STRIP_HEIGHT;
    const scale = Math.min(tall / s.height, this.data.width / s.width);
    const width = Math.round(s.width * scale), height = s.kind === 'values' ? tall : Math.round(s.height * scale);
    const what = s.kind === 'photo' ? 'the input photo' : `${s.kind === 'values' ? 'values' : 'channels'} 0–${s.tiles - 1} of ${s.channels}`;
    return html`<img class="strip ${s.kind} ${stale ? 'stale' : ''}" data-testid="node-strip" data-kind=${s.kind} data-tiles=${s.tiles} src=${s.url}
      style="width:${width}px;height:${height}px" alt=${`${this.data.face.name}: ${what}`} title=${`${what}${stale ? ' (changed since: run again)' : ''} · click to open in the viewer`}
      @pointerdown=${(e: Event) => e.stopPropagation()}
      @click=${(e: MouseEvent) => this.fire('map-open', { id: this.data.id, channel: Math.min(s.tiles - 1, Math.floor((e.offsetX / width) * s.width / s.pitch)) })} />`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onHostKey);
  }

  override disconnectedCallback(): void {
    this.removeEventListener('keydown', this.onHostKey);
    super.disconnectedCallback();
  }

  private fire(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private toggleGroup(): void {
    const g = this.data.face.group;
    if (g) this.fire('group-toggle', { id: g.id, collapse: !g.collapsed });
  }

  /** Enter on the node itself (not on one of its ports or buttons): edit it in the inspector. */
  private onHostKey = (e: KeyboardEvent): void => {
    if (e.composedPath()[0] !== this || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      this.fire('node-key', { id: this.data.id, action: 'edit' });
    }
  };

  private onPortKey(e: KeyboardEvent, side: 'input' | 'output', key: string): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const action = e.key === 'Enter' || e.key === ' ' ? 'port' : side === 'input' && (e.key === 'Delete' || e.key === 'Backspace') ? 'cut' : e.key === 'Escape' ? 'cancel' : null;
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    this.fire('node-key', { id: this.data.id, action, side, key });
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-node': NodeView }
}
