/** The status bar: model totals, graph-level problems, what the last run did (or the run in flight is doing),
 *  the WebGPU adapter and the sample input photo. */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatCount } from '../src/index.ts';

export type DeviceState = { state: 'pending' | 'ok' | 'fail'; text: string };

@customElement('dw-status-bar')
export class StatusBar extends LitElement {
  static override styles = css`
    :host {
      display: flex; align-items: center; gap: 14px; padding: 3px 10px; font-size: 12px;
      border-top: 1px solid var(--dw-border); background: var(--dw-panel-bg); color: var(--dw-muted);
      font-variant-numeric: tabular-nums; white-space: nowrap; overflow: hidden;
    }
    b { color: var(--dw-fg); }
    .problems { color: var(--dw-error); overflow: hidden; text-overflow: ellipsis; }
    .ok { color: var(--dw-ok); }
    .fail { color: var(--dw-error); }
    /* Said whole: the device line gives way first. */
    .run { flex: none; color: var(--dw-fg); }
    .device { margin-left: auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
    img { height: 22px; border-radius: 3px; }
  `;

  @property({ attribute: false }) nodes = 0;
  @property({ attribute: false }) params = 0;
  @property({ attribute: false }) flops = 0;
  /** Keras' model.losses after the last run ('total 5.25 (run 2)'), where the graph has regularizers. */
  @property({ attribute: false }) losses = '';
  @property({ attribute: false }) problems: string[] = [];
  /** What the last run did ("run 2: ran 2 of 14 nodes (12 reused) · …"), or what the run in flight is doing. */
  @property({ attribute: false }) runSummary = '';
  @property({ attribute: false }) runProgress: string | null = null;
  @property({ attribute: false }) adapter: DeviceState = { state: 'pending', text: 'Looking for a WebGPU adapter…' };
  @property({ attribute: false }) selfTest: DeviceState = { state: 'pending', text: 'Compute self-test: waiting for a device.' };

  override render() {
    return html`
      <span><b data-testid="status-nodes">${formatCount(this.nodes)}</b> nodes</span>
      <span><b data-testid="status-params">${formatCount(this.params)}</b> params</span>
      <span><b data-testid="status-flops">${formatCount(this.flops)}</b> FLOPs</span>
      ${this.losses ? html`<span data-testid="status-losses">regularization loss <b>${this.losses}</b></span>` : nothing}
      ${this.problems.length
        ? html`<span class="problems" data-testid="status-problems" title=${this.problems.join('\n')}>⚠ ${this.problems.length} problem${this.problems.length > 1 ? 's' : ''}: ${this.problems[0]}</span>`
        : html`<span class="ok" data-testid="status-problems">no problems</span>`}
      ${this.runProgress !== null
        ? html`<span class="run" data-testid="run-progress" role="status">${this.runProgress}</span>`
        : html`<span class="run" data-testid="run-summary" title=${this.runSummary}>${this.runSummary}</span>`}
      <span class="device" title=${`${this.adapter.text}\n${this.selfTest.text}`}>
        <span data-testid="adapter" data-state=${this.adapter.state} class=${this.adapter.state}>${this.adapter.text}</span>
        · <span data-testid="self-test" data-state=${this.selfTest.state} class=${this.selfTest.state}>${this.selfTest.text}</span>
      </span>
      <img data-testid="sample-photo" src="/samples/chelsea.png" alt="Sample input: Chelsea the cat" width="33" height="22"
        title="Sample input for runs: Chelsea, by Stefan van der Walt (CC0), from scikit-image's sample data" />
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-status-bar': StatusBar }
}
