/** The input: what the graph's Inputs are fed (a photo, a webcam frame, a sample, a .npy), how it is resized
 *  and preprocessed, and the tensors that follow from it. A Lit reactive controller: the host re-renders
 *  whenever the choice, its notes or its error change. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { formatShape, pictureFromSource, readNpy, type GraphReport, type Picture, type Preprocess, type ResizeMode } from '../src/index.ts';
import { buildFeeds, type Feeds, type InputChoice } from './feeds.ts';
import { decodePhoto } from './image-decode.ts';
import type { Sample } from './input-panel.ts';

/** Bundled photographs (public/samples/SOURCES.md has their sources and licences). */
export const SAMPLES: Sample[] = [
  { url: '/samples/chelsea.png', name: 'chelsea.png', credit: 'Chelsea the cat, Stefan van der Walt (CC0)' },
  { url: '/samples/coffee.png', name: 'coffee.png', credit: 'a cup of coffee, Rachel Michetti (CC0)' },
  { url: '/samples/astronaut.png', name: 'astronaut.png', credit: 'Eileen Collins, NASA (public domain)' },
  { url: '/samples/rocket.jpg', name: 'rocket.jpg', credit: 'a rocket launch, SpaceX (public domain)' },
];

export interface InputHooks {
  /** The graph the feeds are for. */
  graph(): { report: GraphReport; seed: number };
  say(kind: 'info' | 'error', text: string): void;
  /** A new input or resize/normalisation: every node downstream of an Input is out of date. */
  choiceChanged(): void;
}

export class InputController implements ReactiveController {
  private current: InputChoice = { picture: null, label: '', npy: null, npyLabel: '', resize: 'crop', preprocess: 'unit', version: 0 };
  /** What decoding the input noticed (a big photo shrunk first), shown under it. */
  notes: string[] = [];
  error = '';
  private feedsMemo: { report: GraphReport; choice: InputChoice; seed: number; feeds: Feeds } | null = null;
  /**
   * Inputs arrive out of order (a photo decodes in a worker; the startup sample may still be loading when
   * a .npy is picked): each request takes a number and only the latest one is used.
   */
  private request = 0;

  constructor(private host: ReactiveControllerHost, private hooks: InputHooks) {
    host.addController(this);
  }

  hostConnected(): void {}

  get choice(): InputChoice { return this.current; }

  private set choice(choice: InputChoice) {
    this.current = choice;
    this.host.requestUpdate();
    this.hooks.choiceChanged();
  }

  /** Every Input's tensor for the current graph and input choice (memoised: render asks often). */
  feeds(): Feeds {
    const { report, seed } = this.hooks.graph();
    const m = this.feedsMemo;
    if (!m || m.report !== report || m.choice !== this.current || m.seed !== seed)
      this.feedsMemo = { report, choice: this.current, seed, feeds: buildFeeds(report, this.current, seed) };
    return this.feedsMemo!.feeds;
  }

  setResize(resize: ResizeMode): void {
    this.choice = { ...this.current, resize };
  }

  setPreprocess(preprocess: Preprocess): void {
    this.choice = { ...this.current, preprocess };
  }

  /** A frozen webcam frame. */
  useFrame(canvas: HTMLCanvasElement, name: string): void {
    this.usePicture(pictureFromSource(canvas, canvas.width, canvas.height), name, [], ++this.request);
  }

  private usePicture(picture: Picture, label: string, notes: string[], request: number): void {
    if (request !== this.request) return;
    this.choice = { ...this.current, picture, npy: null, npyLabel: '', label: `${label} (${picture.width}×${picture.height})`, version: this.current.version + 1 };
    this.notes = notes;
    this.error = '';
  }

  async loadSample(url: string, name: string): Promise<void> {
    const request = ++this.request;
    try {
      const blob = await (await fetch(url)).blob();
      const { picture, notes } = await decodePhoto(blob);
      this.usePicture(picture, name, notes, request);
    } catch (e) {
      if (request === this.request) this.setError(`Could not load the sample ${name}: ${(e as Error).message}`);
    }
  }

  /** A photo or a .npy tensor from the picker, a drop or the clipboard; anything else is refused in words. */
  async loadFile(file: File): Promise<void> {
    const request = ++this.request;
    const bytes = new Uint8Array(await file.slice(0, 6).arrayBuffer());
    const isNpy = bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === 'NUMPY';
    try {
      if (isNpy) {
        const t = readNpy(new Uint8Array(await file.arrayBuffer()));
        if (request !== this.request) return;
        // The photo stays: it is fed again where no Input takes this .npy (feeds.ts says so).
        this.choice = { ...this.current, npy: t, npyLabel: `${file.name} (${formatShape(t.shape)})`, version: this.current.version + 1 };
        this.notes = [];
        this.error = '';
        return;
      }
      // A big photo takes seconds to decode (an 80-megapixel JPEG ~20 s here): say so meanwhile.
      if (file.size > 2 ** 21) {
        this.notes = [`decoding ${file.name || 'the pasted image'} (${(file.size / 2 ** 20).toFixed(1)} MB)…`];
        this.host.requestUpdate();
      }
      const { picture, notes } = await decodePhoto(file);
      if (request !== this.request) return;
      this.usePicture(picture, file.name || 'pasted image', notes, request);
      if (notes.length) this.hooks.say('info', notes[0]);
    } catch (e) {
      if (request !== this.request) return;
      this.notes = [];
      const error = e as Error & { hint?: string };
      this.setError(`${file.name || 'That file'}: ${error.message}${error.hint ? ` — ${error.hint}` : ''}. The input is unchanged.`);
      this.hooks.say('error', this.error);
    }
  }

  private setError(text: string): void {
    this.error = text;
    this.host.requestUpdate();
  }
}
