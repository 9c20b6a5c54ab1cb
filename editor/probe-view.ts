/** The Train panel's "maps as it learns": the probe image, a slider through the snapshots (before training, after
 *  each epoch, any taken on demand) that the activation viewer follows for the selected node, and the first
 *  convolution's kernels of that snapshot as small images.
 *  @fires train-results - detail: { action: 'probe-index' | 'probe-show' | 'probe-now', value } */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Tensor } from '../src/index.ts';
import { kernelImages } from './kernel-images.ts';
import { imageCanvas } from './train-evaluation.ts';

export interface ProbeView {
  /** What each snapshot is: "before training", "after epoch 1", … */
  labels: string[];
  index: number;
  /** The activation viewer shows the snapshot's map of its node (not the last Run's). */
  showing: boolean;
  probe: Tensor;
  probeLabel: string;
  kernel: Tensor | null;
  kernelName: string;
  /** A snapshot can be taken now (training is running). */
  canSnapshot: boolean;
}

@customElement('dw-probe-maps')
export class ProbeMaps extends LitElement {
  static override styles = css`
    :host { display: grid; gap: 4px; font-size: 12px; }
    h3 { font-size: 12px; margin: 4px 0 0; }
    .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    .probe { width: 42px; height: 42px; image-rendering: pixelated; border: 1px solid var(--dw-border); }
    input[type='range'] { flex: 1; min-width: 120px; }
    .kernels { display: flex; flex-wrap: wrap; gap: 3px; }
    .kernels img { width: 24px; height: 24px; image-rendering: pixelated; border: 1px solid var(--dw-border); }
    .note { font-size: 11px; color: var(--dw-muted); }
    button { padding: 2px 8px; border: 1px solid var(--dw-border); border-radius: 6px; background: var(--dw-input-bg); color: var(--dw-fg); font: inherit; font-size: 12px; }
  `;

  @property({ attribute: false }) view: ProbeView | null = null;
  private drawn = new WeakMap<Tensor, string[]>();

  override render() {
    const v = this.view;
    if (!v) return nothing;
    const last = v.labels.length - 1;
    return html`<section data-testid="probe-maps">
      <h3>Maps as it learns</h3>
      <div class="row">
        <img class="probe" alt="the probe image" src=${this.picture(v.probe)} />
        <span class="note">probe: ${v.probeLabel}. Select a node: the activation viewer shows its maps on the probe at the snapshot chosen here.</span>
      </div>
      <div class="row">
        <input type="range" data-testid="probe-slider" aria-label="Snapshot" min="0" max=${last} step="1" .value=${String(v.index)}
          @input=${(e: Event) => this.fire('probe-index', Number((e.target as HTMLInputElement).value))} />
        <span data-testid="probe-label">${v.labels[v.index]} (${v.index + 1}/${v.labels.length})</span>
      </div>
      <div class="row">
        <label><input type="checkbox" data-testid="probe-show" .checked=${v.showing}
          @change=${(e: Event) => this.fire('probe-show', (e.target as HTMLInputElement).checked)} /> show in the activation viewer</label>
        ${v.canSnapshot ? html`<button data-testid="probe-now" title="Run the probe with the weights of this batch" @click=${() => this.fire('probe-now', true)}>Snapshot now</button>` : nothing}
      </div>
      ${v.kernel ? html`<div class="note">${v.kernelName}'s kernels (${v.kernel.shape.join('×')}; mid-gray 0, white and black ± the layer's largest weight):</div>
        <div class="kernels" data-testid="probe-kernels" data-count=${v.kernel.shape[3]}>${this.kernels(v.kernel).map((url, i) => html`<img alt=${`kernel ${i}`} src=${url} />`)}</div>` : nothing}
    </section>`;
  }

  private picture(image: Tensor): string {
    let urls = this.drawn.get(image);
    if (!urls) this.drawn.set(image, (urls = [imageCanvas(image).toDataURL()]));
    return urls[0];
  }

  private kernels(kernel: Tensor): string[] {
    let urls = this.drawn.get(kernel);
    if (!urls) {
      const k = kernelImages(kernel);
      urls = k.tiles.map((tile) => {
        const canvas = document.createElement('canvas');
        canvas.width = k.width;
        canvas.height = k.height;
        canvas.getContext('2d')!.putImageData(new ImageData(tile as Uint8ClampedArray<ArrayBuffer>, k.width, k.height), 0, 0);
        return canvas.toDataURL();
      });
      this.drawn.set(kernel, urls);
    }
    return urls;
  }

  private fire(action: string, value: unknown): void {
    this.dispatchEvent(new CustomEvent('train-results', { detail: { action, value }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-probe-maps': ProbeMaps }
}
