// The editor's keyboard shortcuts in one table: the `?` sheet (shortcut-sheet.ts) lists it and the
// editor's key handler (app-shell.ts onKey) dispatches from it, so the two cannot drift apart.

/** What a shortcut does; app-shell.ts says how, for each. */
export type KeyAction =
  | 'undo' | 'redo' | 'delete' | 'copy' | 'cut' | 'paste' | 'duplicate' | 'select-all' | 'fit' | 'arrange' | 'find' | 'search-palette'
  | 'save' | 'save-weights' | 'open' | 'step' | 'edit-node' | 'clear-selection' | 'help' | 'toggle-block' | 'toggle-all-blocks' | 'run' | 'cancel-run'
  | 'toggle-canvas-maps' | 'toggle-palette' | 'toggle-side' | 'toggle-summary';

export interface Shortcut {
  /** As the sheet shows them: key combinations separated by spaces, e.g. `Ctrl+Shift+Z Ctrl+Y`. */
  keys: string;
  description: string;
  /**
   * The action of each combination in `keys`, in order, or one for all of them. None where the canvas or
   * a node's ports handle the input themselves (clicks, drags, Tab).
   */
  actions?: KeyAction[];
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Ctrl+Z', description: 'undo', actions: ['undo'] },
  { keys: 'Ctrl+Shift+Z Ctrl+Y', description: 'redo', actions: ['redo'] },
  { keys: 'Delete Backspace', description: 'delete the selected nodes', actions: ['delete'] },
  { keys: 'Ctrl+C Ctrl+X Ctrl+V', description: 'copy, cut, paste (links and whole blocks inside the selection kept)', actions: ['copy', 'cut', 'paste'] },
  { keys: 'Ctrl+D', description: 'duplicate the selection', actions: ['duplicate'] },
  { keys: 'Ctrl+A', description: 'select all', actions: ['select-all'] },
  { keys: 'Ctrl+click', description: 'add a node to the selection' },
  { keys: 'F', description: 'fit the graph in view', actions: ['fit'] },
  { keys: 'L', description: 'auto-arrange (ELK)', actions: ['arrange'] },
  { keys: 'Ctrl+F', description: 'find a node by name or op', actions: ['find'] },
  { keys: '/', description: 'search the palette', actions: ['search-palette'] },
  { keys: 'Ctrl+S', description: 'save as .json', actions: ['save'] },
  { keys: 'Ctrl+Shift+S', description: 'save as one .json with the imported and trained weights inside', actions: ['save-weights'] },
  { keys: 'Ctrl+O', description: 'open a .json file', actions: ['open'] },
  { keys: 'Right-click', description: 'quick add on the canvas; delete or duplicate on a node' },
  { keys: '← →', description: 'to an input, to a consumer of the selected node', actions: ['step'] },
  { keys: '↑ ↓', description: 'previous, next node', actions: ['step'] },
  { keys: 'Enter', description: 'edit the selected node', actions: ['edit-node'] },
  { keys: 'Esc', description: 'clear the selection, close dialogs', actions: ['clear-selection'] },
  { keys: '?', description: 'this sheet', actions: ['help'] },
  { keys: 'G', description: 'collapse or expand the block of the selected nodes', actions: ['toggle-block'] },
  { keys: 'Shift+G', description: 'collapse every block, or expand them all', actions: ['toggle-all-blocks'] },
  { keys: 'M', description: 'show or hide the channel maps on every node, after a run (one node: its context menu)', actions: ['toggle-canvas-maps'] },
  { keys: 'Shift+drag Ctrl+drag', description: 'select the nodes in a rectangle (Ctrl adds to the selection)' },
  { keys: 'Tab Shift+Tab', description: 'next, previous node or port' },
  { keys: 'Enter on a port', description: 'start a wire there; Enter on a port of the other kind ends it' },
  { keys: 'Delete on an input port', description: 'cut its wire' },
  { keys: 'Ctrl+Enter', description: 'run the graph (only what changed since the last run)', actions: ['run'] },
  { keys: 'Esc', description: 'cancel the run', actions: ['cancel-run'] },
  { keys: 'Ctrl+V', description: 'paste nodes, or a photo from the clipboard', actions: ['paste'] },
  { keys: '[', description: 'hide or show the palette', actions: ['toggle-palette'] },
  { keys: ']', description: 'hide or show the input and the inspector', actions: ['toggle-side'] },
  { keys: 'S', description: 'hide or show the summary table', actions: ['toggle-summary'] },
];

/** The keys of an action as the sheet writes them, for the titles of the buttons that do the same. */
export function keysOf(action: KeyAction): string {
  return SHORTCUTS.find((s) => s.actions?.length === 1 && s.actions[0] === action)?.keys ?? '';
}

/** Actions that work while a field is being edited or a dialog is open: they are tried before the others. */
const ANYWHERE: ReadonlySet<KeyAction> = new Set(['run', 'cancel-run']);

/**
 * Actions that leave the browser's own handling of the key alone: a paste event follows Ctrl+V and may
 * carry a photo (which wins over copied nodes); Esc still closes a dialog while it cancels the run.
 */
export const KEEPS_DEFAULT: ReadonlySet<KeyAction> = new Set(['paste', 'cancel-run']);

/** The fields of a KeyboardEvent that pick a shortcut. */
export interface KeyPress { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }

interface Binding { key: string; mod: boolean; shift: boolean; action: KeyAction }

const KEY_NAMES: Record<string, string> = { esc: 'escape', '←': 'arrowleft', '→': 'arrowright', '↑': 'arrowup', '↓': 'arrowdown' };

/** `Ctrl+Shift+Z` as what KeyboardEvent reports: key `z` (lower case), Ctrl or ⌘, Shift. */
function parseCombo(combo: string, action: KeyAction): Binding {
  const parts = combo.split('+');
  const key = parts.pop()!.toLowerCase();
  return { key: KEY_NAMES[key] ?? key, mod: parts.includes('Ctrl'), shift: parts.includes('Shift'), action };
}

const BINDINGS: Binding[] = SHORTCUTS.flatMap(({ keys, actions }) => {
  if (!actions) return [];
  const combos = keys.split(' ');
  if (actions.length !== 1 && actions.length !== combos.length) throw new Error(`shortcut '${keys}': ${actions.length} actions for ${combos.length} keys`);
  return combos.map((combo, i) => parseCombo(combo, actions.length === 1 ? actions[0] : actions[i]));
});

/**
 * The actions `press` may mean, in the order to try them (the first that applies to the editor's state
 * wins): those that work anywhere first; a combination naming Shift before one that ignores it (Shift+G
 * before G). A plain key never fires with Alt; `editing` (a field or dialog has the keys) leaves only
 * the actions that work anywhere.
 */
export function keyActions(press: KeyPress, editing: boolean): KeyAction[] {
  const key = press.key.toLowerCase();
  const mod = press.ctrlKey || press.metaKey;
  const candidates = BINDINGS.filter((b) => b.key === key && b.mod === mod && (mod || !press.altKey) && (!b.shift || press.shiftKey)
    && (!editing || ANYWHERE.has(b.action)));
  const rank = (b: Binding) => (ANYWHERE.has(b.action) ? 0 : 2) + (b.shift === press.shiftKey ? 0 : 1);
  return candidates.sort((a, b) => rank(a) - rank(b)).map((b) => b.action);
}
