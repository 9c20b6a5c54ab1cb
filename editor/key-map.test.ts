import { describe, expect, it } from 'vitest';
import { keyActions, SHORTCUTS, type KeyPress } from './key-map.ts';

/** A key press as KeyboardEvent reports it: `Control+Shift+z`, `?`, `ArrowLeft`. */
function press(combo: string): KeyPress {
  const parts = combo.split('+');
  const key = parts.pop()!;
  return { key, ctrlKey: parts.includes('Control'), metaKey: parts.includes('Meta'), shiftKey: parts.includes('Shift'), altKey: parts.includes('Alt') };
}
const actions = (combo: string, editing = false) => keyActions(press(combo), editing);

describe('the key map', () => {
  it('turns each shortcut into its action', () => {
    expect(actions('Control+z')[0]).toBe('undo');
    expect(actions('Meta+z')[0]).toBe('undo');
    expect(actions('Control+y')[0]).toBe('redo');
    expect(actions('Control+c')).toEqual(['copy']);
    expect(actions('Control+x')).toEqual(['cut']);
    expect(actions('Control+v')).toEqual(['paste', 'paste']);
    expect(actions('Control+d')).toEqual(['duplicate']);
    expect(actions('Control+a')).toEqual(['select-all']);
    expect(actions('Control+s')).toEqual(['save']);
    expect(actions('Control+o')).toEqual(['open']);
    expect(actions('Control+f')).toEqual(['find']);
    expect(actions('Delete')).toEqual(['delete']);
    expect(actions('Backspace')).toEqual(['delete']);
    expect(actions('f')).toEqual(['fit']);
    expect(actions('l')).toEqual(['arrange']);
    expect(actions('m')).toEqual(['toggle-canvas-maps']);
    expect(actions('/')).toEqual(['search-palette']);
    expect(actions('Enter')).toEqual(['edit-node']);
    for (const arrow of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']) expect(actions(arrow)).toEqual(['step']);
    expect(actions('Control+Enter')).toEqual(['run']);
  });

  it('prefers the combination that names Shift', () => {
    expect(actions('Control+Shift+z')).toEqual(['redo', 'undo']);
    expect(actions('Control+z')).toEqual(['undo']);
    expect(actions('Shift+G')).toEqual(['toggle-all-blocks', 'toggle-block']);
    expect(actions('Control+Shift+S')).toEqual(['save-weights', 'save']);
    expect(actions('g')).toEqual(['toggle-block']);
    // Shift is ignored where no combination names it: ? is Shift+/ on most keyboards, F with Shift still fits
    expect(actions('Shift+?')).toEqual(['help']);
    expect(actions('Shift+F')).toEqual(['fit']);
  });

  it('tries Esc as cancelling a run before clearing the selection', () => {
    expect(actions('Escape')).toEqual(['cancel-run', 'clear-selection']);
  });

  it('leaves only running and cancelling to a field or dialog that has the keys', () => {
    expect(actions('Control+Enter', true)).toEqual(['run']);
    expect(actions('Escape', true)).toEqual(['cancel-run']);
    for (const combo of ['Control+z', 'Control+v', 'Delete', 'f', 'Enter', 'ArrowLeft', '?']) expect(actions(combo, true), combo).toEqual([]);
  });

  it('fires plain keys neither with Ctrl nor with Alt, and unknown keys never', () => {
    expect(actions('Alt+f')).toEqual([]);
    expect(actions('Control+l')).toEqual([]);
    expect(actions('Control+Alt+z')).toEqual(['undo']);
    expect(actions('q')).toEqual([]);
    expect(actions('Control+b')).toEqual([]);
  });

  it('lists the keys the canvas and the ports handle themselves on the sheet, without an action here', () => {
    for (const keys of ['Ctrl+click', 'Right-click', 'Shift+drag Ctrl+drag', 'Tab Shift+Tab', 'Enter on a port', 'Delete on an input port']) {
      const row = SHORTCUTS.find((s) => s.keys === keys);
      expect(row?.description, keys).toBeTruthy();
      expect(row?.actions, keys).toBeUndefined();
    }
    expect(actions('Tab')).toEqual([]);
  });
});
