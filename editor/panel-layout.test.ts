import { describe, expect, it } from 'vitest';
import { chooseDock, defaultPrefs, MIN_CANVAS, PALETTE_WIDTH, planLayout, RAIL, readPrefs, SIDE_WIDTH, SUMMARY_STRIP, type PanelPrefs } from './panel-layout.ts';

/** The middle rows' height of a window: its height less the toolbar (37 px) and the status bar (22 px). */
const middle = (height: number) => height - 59;
const open: PanelPrefs = { palette: true, side: true, summary: false, dock: 'auto' };
const plan = (width: number, height: number, prefs: Partial<PanelPrefs> = {}, maps = true, outline = false) =>
  planLayout({ width, height: middle(height), prefs: { ...open, ...prefs }, maps, outline });

describe('readPrefs', () => {
  it('opens the summary by default only on a tall window', () => {
    expect(defaultPrefs(1080).summary).toBe(true);
    expect(defaultPrefs(900).summary).toBe(false);
    expect(readPrefs(null, 800)).toEqual({ palette: true, side: true, summary: false, dock: 'auto' });
  });

  it('keeps what was stored, field by field, and ignores what it cannot read', () => {
    expect(readPrefs('{"palette":false,"dock":"below"}', 800)).toEqual({ palette: false, side: true, summary: false, dock: 'below' });
    expect(readPrefs('{"palette":"no","side":0,"dock":"left"}', 1080)).toEqual(defaultPrefs(1080));
    expect(readPrefs('not json', 800)).toEqual(defaultPrefs(800));
    expect(readPrefs('[1]', 800)).toEqual(defaultPrefs(800));
  });
});

describe('planLayout', () => {
  it('without maps: palette, canvas, side in columns; the folded summary a strip', () => {
    const p = plan(1440, 900, {}, false);
    expect(p.columns).toBe(`${PALETTE_WIDTH}px minmax(0, 1fr) ${SIDE_WIDTH}px`);
    expect(p.rows).toBe(`auto minmax(0, 1fr) ${SUMMARY_STRIP}px auto`);
    expect(p.areas).toBe(`'bar bar bar' 'palette canvas side' 'palette summary side' 'status status status'`);
    expect(p.dock).toBeNull();
    expect(p.canvas).toEqual({ width: 1440 - PALETTE_WIDTH - SIDE_WIDTH, height: middle(900) - SUMMARY_STRIP });
  });

  it('folded panels leave a rail and give the canvas their width', () => {
    const p = plan(1280, 800, { palette: false, side: false }, false);
    expect(p.columns).toBe(`${RAIL}px minmax(0, 1fr) ${RAIL}px`);
    expect(p.canvas.width).toBe(1280 - 2 * RAIL);
  });

  it('docks the maps below at laptop sizes and beside at 1920×1080, the canvas never under its minimum', () => {
    for (const [w, h, dock] of [[1280, 800, 'below'], [1440, 900, 'below'], [1920, 1080, 'right']] as const) {
      const p = plan(w, h, { summary: h >= 1000 });
      expect(p.dock, `${w}×${h}`).toBe(dock);
      expect(p.canvas.width, `${w}×${h}`).toBeGreaterThanOrEqual(MIN_CANVAS.width);
      expect(p.canvas.height, `${w}×${h}`).toBeGreaterThanOrEqual(MIN_CANVAS.height);
    }
    // The crushed layout this replaces: 340 px of canvas beside the maps at 1440 px.
    expect(plan(1440, 900).canvas.width).toBe(1440 - PALETTE_WIDTH - SIDE_WIDTH);
  });

  it('docks beside once the palette is folded at 1440 px, and below on request', () => {
    const beside = plan(1440, 900, { palette: false });
    expect(beside.dock).toBe('right');
    expect(beside.areas).toBe(`'bar bar bar bar' 'palette canvas viewer side' 'palette summary viewer side' 'status status status status'`);
    expect(beside.canvas.width).toBeGreaterThanOrEqual(640);
    const below = plan(1440, 900, { palette: false, dock: 'below' });
    expect(below.dock).toBe('below');
    expect(below.areas).toBe(`'bar bar bar' 'palette canvas side' 'palette viewer side' 'palette summary side' 'status status status'`);
  });

  it('a wide, short window docks beside: below would leave the canvas too short', () => {
    expect(chooseDock('auto', { width: 900, height: 500 })).toBe('right');
    expect(chooseDock('auto', { width: 900, height: 800 })).toBe('below');
    expect(chooseDock('below', { width: 3000, height: 800 })).toBe('below');
  });

  it('the outline puts the summary where the canvas was, whatever its toggle', () => {
    const p = plan(1440, 900, { summary: false }, true, true);
    expect(p.areas).toBe(`'bar bar bar' 'palette summary side' 'palette viewer side' 'status status status'`);
    expect(plan(1920, 1080, {}, false, true).areas).toBe(`'bar bar bar' 'palette summary side' 'status status status'`);
  });

  it('every row of the areas names as many cells as there are columns', () => {
    for (const maps of [false, true]) for (const outline of [false, true]) for (const palette of [false, true]) for (const dock of ['auto', 'right', 'below'] as const) {
      const p = plan(1440, 900, { palette, dock }, maps, outline);
      const columns = p.columns.split(/ (?![^(]*\))/).length;
      for (const row of p.areas.match(/'[^']*'/g)!) expect(row.slice(1, -1).split(' ')).toHaveLength(columns);
      expect(p.rows.split(/ (?![^(]*\))/)).toHaveLength(p.areas.match(/'[^']*'/g)!.length);
    }
  });
});
