/** The activation viewer's "explain this value": which value is explained, the explanation once computed
 *  (or why there is none), and the panel docked under the viewer's maps until closed or another node is shown.
 *  A Lit reactive controller: the viewer re-renders on every change. */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ReceptiveField } from '../src/index.ts';
import type { ExplainedValue } from './explain-value.ts';
import './explain-panel.ts';

/** Explains position `at` (batch left out) of the viewed node's output, image `image` of the batch. */
export type Explainer = (at: number[], image: number) => Promise<ExplainedValue>;

export class ExplainController implements ReactiveController {
  private shown: { heading: string; result: ExplainedValue | null; error: string } | null = null;
  private token = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  get open(): boolean {
    return !!this.shown;
  }

  async explain(explainer: Explainer, label: string, at: number[], image: number): Promise<void> {
    const token = ++this.token;
    this.shown = { heading: `Explain ${label} · ${at.join(', ')}`, result: null, error: '' };
    this.host.requestUpdate();
    try {
      const result = await explainer(at, image);
      if (token === this.token) this.shown = { ...this.shown!, result };
    } catch (e) {
      const { message, hint } = e as { message?: string; hint?: string };
      if (token === this.token) this.shown = { ...this.shown!, error: `${message ?? e}${hint ? ` — ${hint}` : ''}` };
    }
    this.host.requestUpdate();
  }

  close(): void {
    this.token++;
    if (!this.shown) return;
    this.shown = null;
    this.host.requestUpdate();
  }

  render(photo: ImageData | null, field: ReceptiveField | null) {
    const s = this.shown;
    return s ? html`<dw-explain-panel class="explain" data-testid="explain-panel" .explained=${s.result} .error=${s.error} .heading=${s.heading}
      .photo=${photo} .field=${field} @explain-close=${() => this.close()}></dw-explain-panel>` : nothing;
  }
}
