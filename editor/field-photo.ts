/** The input photo with one receptive field outlined on it: where the map position under the pointer looks
 *  (the activation viewer shows it beside its maps, so it is there whichever panels are open). */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { PixelRect } from '../src/index.ts';

@customElement('dw-field-photo')
export class FieldPhoto extends LitElement {
  static override styles = css`
    :host { display: block; }
    figure { margin: 0; }
    canvas { width: 100%; image-rendering: auto; border: 1px solid var(--dw-border); background: var(--dw-canvas-bg); box-sizing: border-box; }
    figcaption { color: var(--dw-muted); font-size: 11px; overflow-wrap: anywhere; }
  `;

  /** The tensor fed to the Input, as the picture it is. */
  @property({ attribute: false }) photo: ImageData | null = null;
  /** The field to outline, in the photo's pixels (bottom and right exclusive); null: none. */
  @property({ attribute: false }) rect: PixelRect | null = null;
  @property({ attribute: false }) caption = '';
  @query('canvas') private canvas?: HTMLCanvasElement;

  override render() {
    const r = this.rect;
    return html`<figure>
      <canvas data-testid="field-photo" aria-label="the input photo with the receptive field outlined"
        data-rect=${r ? `${r.top},${r.left},${r.bottom},${r.right}` : ''}></canvas>
      <figcaption data-testid="field-caption">${this.caption}</figcaption>
    </figure>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('photo') || changed.has('rect')) this.draw();
  }

  private draw(): void {
    const { canvas, photo, rect } = this;
    if (!canvas || !photo) return;
    canvas.width = photo.width;
    canvas.height = photo.height;
    const ctx = canvas.getContext('2d')!;
    ctx.putImageData(photo, 0, 0);
    if (!rect || rect.bottom <= rect.top || rect.right <= rect.left) return;
    // Dim what the position does not see, then outline what it does: visible on dark and light photos.
    const line = Math.max(1, Math.round(photo.width / 110));
    ctx.fillStyle = 'rgb(0 0 0 / 0.45)';
    ctx.beginPath();
    ctx.rect(0, 0, photo.width, photo.height);
    ctx.rect(rect.left, rect.top, rect.right - rect.left, rect.bottom - rect.top);
    ctx.fill('evenodd');
    ctx.lineWidth = line;
    ctx.strokeStyle = '#ffd43b';
    ctx.strokeRect(rect.left + line / 2, rect.top + line / 2, Math.max(rect.right - rect.left - line, 0), Math.max(rect.bottom - rect.top - line, 0));
  }
}

declare global {
  interface HTMLElementTagNameMap { 'dw-field-photo': FieldPhoto }
}
