// The `deepwire` command (bin/deepwire.mjs): summary, validate, run, export-keras, export-pytorch and convert over graph
// files, with the engine the editor uses; one module per command beside this one. Every expected failure
// is one line, `deepwire: <what is wrong> — <what to do>`.
// Exit status: 0 ok, 1 the graph or an input has a problem, 2 the command line is wrong.
import { OpError } from '../ops/op.ts';
import { EngineError } from '../runtime/errors.ts';
import { ZOO } from '../models/zoo.ts';
import { PRETRAINED } from '../models/pretrained.ts';
import { parseArgs, type Command, type Parsed } from './args.ts';
import { CliError, messageOf, nodeIo, type CliIo } from './io.ts';
import { convert } from './convert.ts';
import { exportKerasCommand } from './export-keras.ts';
import { exportPytorchCommand } from './export-pytorch.ts';
import { evaluateCommand, fitCommand } from './fit.ts';
import { explainCommand } from './explain.ts';
import { run } from './run.ts';
import { summary } from './summary.ts';
import { validate } from './validate.ts';

export type { CliIo } from './io.ts';

const COMMAND_HANDLERS: Record<Command, (args: Parsed, io: CliIo) => Promise<number>> = {
  summary, validate, run, 'export-keras': exportKerasCommand, 'export-pytorch': exportPytorchCommand, convert, fit: fitCommand, evaluate: evaluateCommand, explain: explainCommand,
};

export const USAGE = `deepwire: wire CNN layers into a graph, check it, run it.

Usage:
  deepwire summary FILE [--json]       layers, output shapes, parameters and FLOPs (like Keras' model.summary())
  deepwire validate FILE [--json]      check the graph; every problem on its own line
  deepwire run FILE [options]          run the graph on a tensor; write the outputs as .npy files
  deepwire export-keras FILE [OUT.py]  the graph as a Keras functional-API Python script (to stdout without OUT.py)
  deepwire export-keras FILE OUT.json  the Keras model with its weights (model.json + weights.bin beside it: TF.js
                                       Layers format, for tf.loadLayersModel or tensorflowjs_converter → .h5)
  deepwire export-pytorch FILE OUT.py  the graph as a PyTorch nn.Module (Keras' layer names, inference mode) and its
                                       weights as OUT.npz beside it; python3 OUT.py IN.npy OUT.npy runs it on an
                                       N×H×W×C input and writes the output channels-last, as 'deepwire run' does;
                                       --seed N: the initial weights, --output NODE: the module's outputs (as run's)
  deepwire fit FILE --data DATA [opts]  train the graph on WebGPU (Keras' model.fit); --save OUT.json writes the
                                       trained model as export-keras does
  deepwire evaluate FILE --data DATA   loss and accuracy (Keras' model.evaluate; the test split where there is one)
  deepwire explain FILE --node ID --at y,x,c
                                       how one value of a node's output was computed (input window, kernel,
                                       partial sums, bias, activation; pooling window; merge operands; Dense's
                                       largest inputs × weights), from a run; the last line is 'value: V'
  deepwire convert IN OUT              model.onnx → graph.json (its weights in graph.weights.json + .bin beside
                                       it, read back whenever graph.json is opened), or FILE → model.onnx

FILE is a graph file, an ONNX model (.onnx: images N×C×H×W, as PyTorch exports them), or zoo:NAME for a
Keras application (case-insensitive: zoo:ResNet50, zoo:vgg19):
${wrap(ZOO.map((e) => e.name).join(', '), 96, '  ')}
With ImageNet weights (offline, backbone only, features at avg_pool): ${Object.keys(PRETRAINED).map((n) => `zoo:${n}`).join(', ')}

Zoo options (any command):
  --no-top             leave out the classifier (Keras include_top=False)
  --input-shape HxWxC  input size, e.g. 64x64x3 (default: the model's native size)
  --classes N          classes of the classifier (default 1000)

Run options:
  --input X.npy        the Input's tensor: N×(input shape), or exactly the input shape (batch 1);
                       for an ONNX model X.npy or X.pb (TensorProto) in its own layout, one --input per
                       model input in order, or NAME=FILE (inputs that are weights are used as constants)
  --image PHOTO        a PNG or JPEG photo for the Input, resized and normalised to what it takes
  --resize MODE        crop (default: cover, cut the overhang), letterbox (fit, pad black) or stretch
  --preprocess MODE    caffe, tf, torch (Keras' preprocess_input modes), unit ([0, 1]) or raw (0–255);
                       default: the model's own for zoo and pretrained models, else unit
  --output NODE        a node to write, by id or name; repeat for more (default: the graph's outputs);
                       only the layers it needs run (feature extraction: zoo:VGG19 --output block4_pool)
  --out DIR            where NODE.npy files go (default: out)
  --backend NAME       webgpu (hand-written WGSL kernels; default) or cpu (the plain-loop reference)
  --seed N             seed of the initial weights and of the random input (default: the graph's seed, or 0)

Where a node looks (run; instead of writing the outputs):
  --saliency NODE[:CHANNEL]  a saliency map, |d score/d pixel|, of NODE's channel (its mean over positions),
                       or with --class of a classifier's class; without either, the top class or the most
                       active channel
  --grad-cam NODE[:CHANNEL]  Grad-CAM of the same score on --layer L (default: the last layer with maps before NODE)
  --class N|NAME       a class of the classifier NODE, by index or name (ImageNet's, or the graph's own classes)
  --out-png FILE       the map over the --image photo, at the photo's size (default: OUT/NODE-saliency.png)
  --opacity F          the map's weight over the photo, 0…1 (default 0.5)

Explain options: --input, --image, --resize, --preprocess, --backend and --seed as for run, and
  --node ID            the node, by id or name (Conv2D, DepthwiseConv2D, SeparableConv2D, the pools,
                       BatchNormalization, Dense and the merge layers)
  --at y,x,c           the position in its output (one number per axis: --at 3 for a vector's unit 3)
  --top N              conv channels printed with their patch and kernel, Dense inputs listed (default 8, 10)

Fit and evaluate options:
  --data DATA          fashion-mnist (Debian's dataset-fashion-mnist), a folder with one subfolder of
                       photos per class (resized to the Input), or X.npy,Y.npy
  --epochs N           default 1; 0 with --save writes the initial weights
  --batch-size N       default 32
  --optimizer NAME     sgd, adam (default) or rmsprop, with Keras' defaults
  --learning-rate LR   default the optimizer's (sgd 0.01, adam and rmsprop 0.001)
  --loss NAME          sparse_categorical_crossentropy (default), categorical_crossentropy,
                       binary_crossentropy or mean_squared_error; --from-logits for a linear output
  --validation-split F the last fraction of the samples, held out (default 0)
  --seed N             initial weights, shuffles, Dropout masks and augmentations (default: the graph's seed, or 0)
  --no-shuffle         keep the samples' order; --steps-per-epoch N: at most N batches an epoch
  --samples N          only the first N training samples (x_train[:N]; a small set shows overfitting)
  --augment LIST       while training only, after the Input: flip[=horizontal|vertical|
                       horizontal_and_vertical] (RandomFlip, default horizontal), translate[=F]
                       (RandomTranslation, shifts up to F of the size, default 0.1), on the GPU
  --save OUT.json      the trained model (Keras JSON + weights: deepwire run and TF.js open it)
  --history OUT.json   Keras' History (per epoch loss, accuracy, val_loss, val_accuracy) and every batch's loss
Ctrl-C stops after the current batch and still saves.

With neither --input nor --image, run feeds a pseudo-random input (uniform in [0, 1), from the seed).
Exit status: 0 ok, 1 the graph or an input has a problem, 2 the command line is wrong.
`;

/** Words of `text` in lines of at most `width` characters, each starting with `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.length + word.length > width && line.trim()) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += word + ' ';
  }
  return [...lines, line.trimEnd()].join('\n');
}

/** Runs the command line `argv` (without `node deepwire`); returns the exit status. */
export async function main(argv: string[], io: CliIo = nodeIo): Promise<number> {
  try {
    if (argv.length === 0 || argv.some((a) => a === '--help' || a === '-h') || argv[0] === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    const args = parseArgs(argv);
    return await COMMAND_HANDLERS[args.command](args, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`deepwire: ${e.message} — ${e.hint}\n`);
      return e.exitCode;
    }
    if (e instanceof OpError) {
      io.stderr(`deepwire: ${e.message} — ${e.hint ?? 'check the graph and the input'}\n`);
      return 1;
    }
    // The engine's own errors (a GPU that ran out of memory, a feed it refused) carry what to do.
    if (e instanceof EngineError && e.hint && !e.message.startsWith('internal')) {
      io.stderr(`deepwire: ${e.message}${e.node ? ` (node '${e.node}')` : ''} — ${e.hint}\n`);
      return 1;
    }
    io.stderr(`deepwire: internal error: ${messageOf(e)} — please report this, with the command and the graph file\n`);
    return 1;
  }
}
