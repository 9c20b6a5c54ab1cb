// The command line: which commands there are, the options each takes, and how argv is read.
import { nearest } from '../ops/attrs.ts';
import { usageError } from './io.ts';

type FlagKind = 'bool' | 'string' | 'list';
export const ZOO_FLAGS: Record<string, FlagKind> = { 'no-top': 'bool', 'input-shape': 'string', classes: 'string' };
const COMMANDS = {
  summary: { json: 'bool', ...ZOO_FLAGS },
  validate: { json: 'bool', ...ZOO_FLAGS },
  run: {
    input: 'list', image: 'string', resize: 'string', preprocess: 'string', output: 'list', out: 'string', backend: 'string', seed: 'string',
    saliency: 'string', 'grad-cam': 'string', class: 'string', layer: 'string', 'out-png': 'string', opacity: 'string', ...ZOO_FLAGS,
  },
  'export-keras': { ...ZOO_FLAGS },
  'export-pytorch': { seed: 'string', output: 'list', ...ZOO_FLAGS },
  convert: { seed: 'string', ...ZOO_FLAGS },
  fit: {
    data: 'string', epochs: 'string', 'batch-size': 'string', optimizer: 'string', 'learning-rate': 'string', loss: 'string',
    'from-logits': 'bool', 'validation-split': 'string', seed: 'string', 'no-shuffle': 'bool', 'steps-per-epoch': 'string', samples: 'string', save: 'string', history: 'string', augment: 'string', ...ZOO_FLAGS,
  },
  evaluate: { data: 'string', 'batch-size': 'string', loss: 'string', 'from-logits': 'bool', seed: 'string', ...ZOO_FLAGS },
  explain: { input: 'string', image: 'string', resize: 'string', preprocess: 'string', node: 'string', at: 'string', top: 'string', backend: 'string', seed: 'string', ...ZOO_FLAGS },
} satisfies Record<string, Record<string, FlagKind>>;

export type Command = keyof typeof COMMANDS;
export type Flags = Record<string, string | string[] | true>;

export interface Parsed {
  command: Command;
  file: string;
  /** export-keras's, export-pytorch's and convert's output file. */
  out?: string;
  flags: Flags;
}

/** A value to show in "needs a value" hints. */
export const EXAMPLE_VALUES: Record<string, string> = {
  data: 'fashion-mnist', epochs: '5', 'batch-size': '32', optimizer: 'adam', 'learning-rate': '0.001', loss: 'sparse_categorical_crossentropy',
  'validation-split': '0.1', 'steps-per-epoch': '100', samples: '2000', save: 'trained.json', history: 'history.json', augment: 'flip,translate=0.1',
  node: 'conv1', at: '4,7,2', top: '8',
  saliency: 'conv2d:0', 'grad-cam': 'predictions', class: '281', layer: 'conv2d', 'out-png': 'map.png', opacity: '0.5',
  input: 'x.npy', image: 'photo.jpg', resize: 'crop', preprocess: 'tf', output: 'conv2d', out: 'out', backend: 'cpu', seed: '0', 'input-shape': '64x64x3', classes: '10',
};

const isCommand = (name: string): name is Command => Object.hasOwn(COMMANDS, name);

export function parseArgs(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (!isCommand(command)) {
    const guess = nearest(command, Object.keys(COMMANDS));
    const what = command.startsWith('-') ? `unknown option '${command}'` : `unknown command '${command}'`;
    throw usageError(what, `${guess ? `${guess} ` : ''}commands are ${Object.keys(COMMANDS).join(', ')}; run 'deepwire --help' for usage`);
  }
  const spec: Record<string, FlagKind> = COMMANDS[command];
  const flags: Flags = {};
  const files: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) {
      const known = Object.keys(spec).map((f) => `--${f}`);
      throw usageError(`unknown option '--${name}' for '${command}'`, nearest(`--${name}`, known) ?? `'${command}' takes ${known.join(', ')}`);
    }
    if (kind === 'bool') {
      if (eq >= 0) throw usageError(`option '--${name}' takes no value`, `write just --${name}`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--')))
      throw usageError(`option '--${name}' needs a value`, `e.g. --${name} ${EXAMPLE_VALUES[name] ?? 'VALUE'}`);
    if (kind === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else if (flags[name] !== undefined) throw usageError(`option '--${name}' is given twice`, 'give it once');
    else flags[name] = value;
  }
  if (files.length === 0) throw usageError(`'${command}' needs a graph file`, `e.g. deepwire ${command} examples/inception-3a.json`);
  const most = command === 'export-keras' || command === 'export-pytorch' || command === 'convert' ? 2 : 1;
  if (command === 'convert' && files.length !== 2) throw usageError(`'convert' takes an input and an output file, got ${files.length}`, 'e.g. deepwire convert model.onnx graph.json');
  if (command === 'export-pytorch' && files.length !== 2) throw usageError(`'export-pytorch' takes a graph file and an output .py file, got ${files.length}`, 'e.g. deepwire export-pytorch zoo:ResNet50 resnet50.py');
  if (files.length > most)
    throw usageError(`'${command}' takes ${most === 1 ? 'one graph file' : 'a graph file and an output file'}, got ${files.length}: ${files.join(' ')}`, `give ${most === 1 ? 'one file' : 'two'}; options start with --`);
  return { command, file: files[0], out: files[1], flags };
}
