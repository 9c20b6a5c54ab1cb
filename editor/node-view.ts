/** One op node on the canvas: op and name, key attrs, sockets, output shape, params, FLOPs, and the
 *  validation error in words. Rendered by @retejs/lit-plugin, which sets `data` and `emit`. */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { OpNode } from './op-node.ts';

type Emit = (signal: unknown) => void;

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
    .name, .attrs { padding: 0 10px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .name { color: var(--dw-muted); font-family: ui-monospace, monospace; font-size: 11px; }
    .attrs { height: 18px; color: var(--dw-fg); }
    .ports { display: flex; justify-content: space-between; padding: 4px 0; flex: 1; }
    .port { display: flex; align-items: center; height: 26px; gap: 4px; }
    .port span { color: var(--dw-muted); font-size: 11px; }
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
    .mosaic.stale, .time.stale { opacity: 0.35; }
    .error {
      margin: 0 6px 6px; padding: 3px 6px; height: 34px; box-sizing: border-box; border-radius: 4px; overflow: hidden;
      background: var(--dw-error-bg); color: var(--dw-error); font-size: 11px; line-height: 14px; pointer-events: none;
      display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
    }
  `;

  @property({ attribute: false }) data!: OpNode;
  @property({ attribute: false }) emit: Emit | null = null;

  override willUpdate(): void {
    const { face, id, op, selected } = this.data;
    this.dataset.testid = 'node';
    this.dataset.nodeId = id;
    this.dataset.op = op;
    this.toggleAttribute('selected', !!selected);
    this.toggleAttribute('invalid', !!face.error);
    const heat = face.run?.heat;
    this.toggleAttribute('heat', heat != null);
    if (heat != null) this.style.setProperty('--dw-heat', `${Math.round(heat * 85)}%`);
    this.style.width = `${this.data.width}px`;
    this.style.height = `${this.data.height}px`;
    this.style.setProperty('--dw-cat', `var(--dw-cat-${(this.data.def?.category ?? 'Core').toLowerCase()})`);
    this.setAttribute('role', 'group');
    this.setAttribute('aria-label', `${op} ${face.name}, output ${face.shape || 'unknown'}${face.error ? `, error: ${face.error.message}` : ''}`);
    this.title = face.error ? `${face.error.message}${face.error.hint ? `\n→ ${face.error.hint}` : ''}` : '';
  }

  override render() {
    const { face, id, op } = this.data;
    const inputs = Object.entries(this.data.inputs);
    const output = this.data.outputs.out;
    const ref = (side: 'input' | 'output', key: string, socket: unknown) =>
      html`<rete-ref .data=${{ type: 'socket', side, key, nodeId: id, payload: socket }} .emit=${this.emit}></rete-ref>`;
    return html`
      <div class="head">
        <span class="op">${op}</span>
        ${face.run ? html`<span class="time ${face.run.stale ? 'stale' : ''}" data-testid="node-time" title=${face.run.title}>${face.run.time}</span>` : nothing}
        ${face.error ? html`<span class="badge" aria-hidden="true">!</span>` : nothing}
      </div>
      <div class="name" data-testid="node-name">${face.name}</div>
      <div class="attrs" data-testid="key-attrs">${face.keyAttrs}</div>
      <div class="ports">
        <div>
          ${inputs.map(([key, input], i) => input ? html`
            <div class="port in" data-testid="input-${key}">${ref('input', key, input.socket)}<span>${face.inputLabels[i] ?? key}</span></div>` : nothing)}
        </div>
        <div>
          ${output ? html`<div class="port out" data-testid="output-out"><span>out</span>${ref('output', 'out', output.socket)}</div>` : nothing}
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
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-node': NodeView }
}
