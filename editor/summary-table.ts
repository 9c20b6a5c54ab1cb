/** The Keras-like model summary: one row per layer (name, type, output shape, params, FLOPs, inputs)
 *  and the totals. Doubles as an outline of the graph that a screen reader can walk.
 *  @fires focus-node - detail: { id } when a row is activated */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatCount } from '../src/index.ts';

export interface SummaryRow {
  id: string;
  name: string;
  op: string;
  shape: string;
  params: number;
  flops: number;
  inputs: string[];
  error: string | null;
}

export interface SummaryTotals { params: number; trainable: number; nonTrainable: number; flops: number }

@customElement('dw-summary')
export class SummaryTable extends LitElement {
  static override styles = css`
    :host { display: block; overflow: auto; font-size: 12px; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { padding: 3px 8px; border-bottom: 1px solid var(--dw-border); text-align: left; white-space: nowrap; }
    th { position: sticky; top: 0; background: var(--dw-panel-bg); color: var(--dw-muted); font-weight: 600; }
    .num { text-align: right; }
    tbody tr { cursor: pointer; }
    tbody tr:hover, tbody tr:focus { background: var(--dw-hover); outline: none; }
    tr.bad td { color: var(--dw-error); }
    .op { color: var(--dw-muted); }
    tfoot td { font-weight: 600; border-top: 2px solid var(--dw-border); }
  `;

  @property({ attribute: false }) rows: SummaryRow[] = [];
  @property({ attribute: false }) totals: SummaryTotals = { params: 0, trainable: 0, nonTrainable: 0, flops: 0 };

  override render() {
    return html`
      <table data-testid="summary-table" aria-label="Model summary">
        <thead><tr><th>Layer (type)</th><th>Output shape</th><th class="num">Param #</th><th class="num">FLOPs</th><th>Connected to</th></tr></thead>
        <tbody>
          ${this.rows.map((r) => html`
            <tr data-testid="summary-row" data-node=${r.id} tabindex="0" class=${r.error ? 'bad' : ''} title=${r.error ?? ''}
              aria-label=${`${r.name}, ${r.op}, output ${r.shape}, ${formatCount(r.params)} parameters${r.error ? `, error: ${r.error}` : ''}`}
              @click=${() => this.focusNode(r.id)} @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.focusNode(r.id)}>
              <td>${r.name} <span class="op">(${r.op})</span></td>
              <td>${r.shape}</td>
              <td class="num">${formatCount(r.params)}</td>
              <td class="num">${formatCount(r.flops)}</td>
              <td>${r.inputs.join(', ')}</td>
            </tr>`)}
        </tbody>
        <tfoot>
          <tr><td colspan="2">Total params: <span data-testid="total-params">${formatCount(this.totals.params)}</span>
            (trainable ${formatCount(this.totals.trainable)}, non-trainable ${formatCount(this.totals.nonTrainable)})</td>
            <td class="num">${formatCount(this.totals.params)}</td><td class="num" data-testid="total-flops">${formatCount(this.totals.flops)}</td><td></td></tr>
        </tfoot>
      </table>
    `;
  }

  private focusNode(id: string): void {
    this.dispatchEvent(new CustomEvent('focus-node', { detail: { id }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-summary': SummaryTable }
}
