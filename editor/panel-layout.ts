/** The page's grid, canvas first: which side panels are open (remembered in localStorage, as the theme is),
 *  and where the activation maps dock — beside the canvas when the window is wide enough for both, below it
 *  otherwise — so that the canvas never drops below MIN_CANVAS. planLayout is plain arithmetic (tested in
 *  panel-layout.test.ts); PanelLayoutController measures the page and applies the plan to the shell's grid. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Panel = 'palette' | 'side' | 'summary';
export type DockChoice = 'auto' | 'right' | 'below';
/** true: the panel is open. */
export interface PanelPrefs { palette: boolean; side: boolean; summary: boolean; dock: DockChoice }

export const LAYOUT_KEY = 'deepwire.layout';
export const PALETTE_WIDTH = 220;
export const SIDE_WIDTH = 300;
/** A collapsed side panel: a strip with its name and the button that opens it again. */
export const RAIL = 28;
export const SUMMARY_HEIGHT = 180;
export const SUMMARY_STRIP = 28;
/** What the canvas keeps beside or above the maps: room for three 220 px nodes in a row at zoom 0.8. */
export const MIN_CANVAS = { width: 480, height: 300 };
const VIEWER_WIDTH = { min: 400, max: 680 };
const VIEWER_HEIGHT = { min: 240, max: 440 };
/** Beside the canvas only where the canvas still gets this much width; below leaves a wide canvas (graphs run left to right). */
const RIGHT_DOCK_CANVAS = 640;
/** The summary opens by default only on a window this tall (1920×1080 yes; laptops keep the room for the canvas). */
const SUMMARY_OPEN_FROM = 1000;

export function defaultPrefs(windowHeight: number): PanelPrefs {
  return { palette: true, side: true, summary: windowHeight >= SUMMARY_OPEN_FROM, dock: 'auto' };
}

/** Stored preferences, each field checked: anything unreadable falls back to the default for this window. */
export function readPrefs(stored: string | null, windowHeight: number): PanelPrefs {
  const prefs = defaultPrefs(windowHeight);
  let raw: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(stored ?? '{}') as unknown;
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch { /* a damaged entry: the defaults */ }
  for (const panel of ['palette', 'side', 'summary'] as const) if (typeof raw[panel] === 'boolean') prefs[panel] = raw[panel];
  if (raw.dock === 'auto' || raw.dock === 'right' || raw.dock === 'below') prefs.dock = raw.dock;
  return prefs;
}

export interface LayoutInput {
  /** The page's width, and the height between the toolbar and the status bar. */
  width: number;
  height: number;
  prefs: PanelPrefs;
  maps: boolean;
  outline: boolean;
}

export interface LayoutPlan {
  columns: string;
  rows: string;
  areas: string;
  /** Where the maps are; null when closed. */
  dock: 'right' | 'below' | null;
  /** The canvas's size in this plan (outline: the summary's). */
  canvas: { width: number; height: number };
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** The maps' width beside a canvas column of `room` px: 42 % of it, 400–680 px, leaving the canvas MIN_CANVAS.width when it can. */
function viewerWidth(room: number): number {
  return Math.round(Math.max(Math.min(VIEWER_WIDTH.min, room / 2), Math.min(VIEWER_WIDTH.max, room * 0.42, room - MIN_CANVAS.width)));
}

function viewerHeight(room: number): number {
  return Math.round(Math.max(Math.min(VIEWER_HEIGHT.min, room / 2), Math.min(VIEWER_HEIGHT.max, room * 0.45, room - MIN_CANVAS.height)));
}

/** Beside when the canvas keeps RIGHT_DOCK_CANVAS px of width there, or when below would leave it shorter than MIN_CANVAS. */
export function chooseDock(choice: DockChoice, room: { width: number; height: number }): 'right' | 'below' {
  if (choice !== 'auto') return choice;
  if (room.width - viewerWidth(room.width) >= RIGHT_DOCK_CANVAS) return 'right';
  return room.height - viewerHeight(room.height) < MIN_CANVAS.height ? 'right' : 'below';
}

export function planLayout({ width, height, prefs, maps, outline }: LayoutInput): LayoutPlan {
  const left = prefs.palette ? PALETTE_WIDTH : RAIL;
  const right = prefs.side ? SIDE_WIDTH : RAIL;
  // The summary is the main view in the outline: then it fills the canvas's place, whatever its toggle says.
  const summary = outline ? 0 : prefs.summary ? Math.round(Math.min(SUMMARY_HEIGHT, height * 0.25)) : SUMMARY_STRIP;
  const room = { width: Math.max(0, width - left - right), height: Math.max(0, height - summary) };
  const dock = maps ? chooseDock(prefs.dock, room) : null;
  const main = outline ? 'summary' : 'canvas';

  // Rows of the middle, top to bottom: [size, the name of the area in the middle column(s)].
  const middle: [string, string[]][] = [];
  const columns = [`${left}px`, 'minmax(0, 1fr)'];
  let canvas = { ...room };
  if (dock === 'right') {
    const w = viewerWidth(room.width);
    columns.push(`${w}px`);
    middle.push(['minmax(0, 1fr)', [main, 'viewer']]);
    if (!outline) middle.push([`${summary}px`, ['summary', 'viewer']]);
    canvas = { width: room.width - w, height: room.height };
  } else if (dock === 'below') {
    const h = viewerHeight(room.height);
    middle.push(['minmax(0, 1fr)', [main]], [`${h}px`, ['viewer']]);
    if (!outline) middle.push([`${summary}px`, ['summary']]);
    canvas = { width: room.width, height: room.height - h };
  } else {
    middle.push(['minmax(0, 1fr)', [main]]);
    if (!outline) middle.push([`${summary}px`, ['summary']]);
  }
  columns.push(`${right}px`);
  const span = columns.length;
  const row = (names: string[]) => `'${['palette', ...names, 'side'].join(' ')}'`;
  const across = (name: string) => `'${Array(span).fill(name).join(' ')}'`;
  return {
    columns: columns.join(' '),
    rows: ['auto', ...middle.map(([size]) => size), 'auto'].join(' '),
    areas: [across('bar'), ...middle.map(([, names]) => row(names)), across('status')].join(' '),
    dock,
    canvas,
  };
}

export interface LayoutHooks {
  maps(): boolean;
  outline(): boolean;
  /** The heights of what sits above and below the middle rows (toolbar, status bar). */
  chrome(): number;
}

/** The open panels and the dock, kept across reloads; applies planLayout to the host's grid on every update and resize. */
export class PanelLayoutController implements ReactiveController {
  prefs: PanelPrefs;
  plan: LayoutPlan | null = null;
  private observer: ResizeObserver | null = null;

  constructor(private host: ReactiveControllerHost & HTMLElement, private hooks: LayoutHooks) {
    host.addController(this);
    let stored: string | null = null;
    try { stored = localStorage.getItem(LAYOUT_KEY); } catch { /* storage closed: defaults, not kept */ }
    this.prefs = readPrefs(stored, window.innerHeight);
  }

  hostConnected(): void {
    this.observer = new ResizeObserver(() => this.apply());
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
  }

  hostUpdated(): void {
    this.apply();
  }

  toggle(panel: Panel, open = !this.prefs[panel]): void {
    this.set({ [panel]: open });
  }

  setDock(dock: DockChoice): void {
    this.set({ dock });
  }

  private set(change: Partial<PanelPrefs>): void {
    this.prefs = { ...this.prefs, ...change };
    try { localStorage.setItem(LAYOUT_KEY, JSON.stringify(this.prefs)); } catch { /* not kept, still applied */ }
    this.host.requestUpdate();
  }

  /** Sets the grid from the host's size now; a new plan only where it changed, so a resize costs one layout. */
  private apply(): void {
    const plan = planLayout({
      width: this.host.clientWidth, height: this.host.clientHeight - this.hooks.chrome(),
      prefs: this.prefs, maps: this.hooks.maps(), outline: this.hooks.outline(),
    });
    const style = this.host.style, was = this.plan;
    if (was?.columns !== plan.columns) style.gridTemplateColumns = plan.columns;
    if (was?.rows !== plan.rows) style.gridTemplateRows = plan.rows;
    if (was?.areas !== plan.areas) style.gridTemplateAreas = plan.areas;
    const dockChanged = plan.dock !== this.plan?.dock;
    this.plan = plan;
    // The dock picker shows the dock in use: re-render when auto switched it.
    if (dockChanged) this.host.requestUpdate();
  }
}
