// TF.js (pure-JS CPU backend) as a test-only oracle for imported Keras models: save a model TF.js built
// into model.json + one shard, quantise a shard the way tensorflowjs_converter does, and load a model
// from memory the way tf.loadLayersModel would from files. Never imported by the product (the training
// benchmark, bench/train.ts, loads its TF.js models with layersModelFromMemory).
import * as tf from '@tensorflow/tfjs';
import type { ManifestEntry } from '../io/tfjs-layers.ts';

/**
 * The two Keras layers TF.js Layers lacks, written out from Keras' source (keras/src/layers/merging/subtract.py,
 * preprocessing/normalization.py) so that exported models using them load; every other layer is TF.js' own.
 */
function registerMissingKerasLayers() {
  class Subtract extends tf.layers.Layer {
    static className = 'Subtract';
    override computeOutputShape(shapes: tf.Shape[]) {
      return shapes[0];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]) {
      const [a, b] = inputs as tf.Tensor[];
      return tf.sub(a, b);
    }
  }
  class Normalization extends tf.layers.Layer {
    static className = 'Normalization';
    private readonly given: { mean?: number[]; variance?: number[]; invert: boolean };
    private stats?: { mean: tf.LayerVariable; variance: tf.LayerVariable };
    constructor(config: { mean?: number[]; variance?: number[]; invert?: boolean; name?: string }) {
      super(config);
      this.given = { mean: config.mean, variance: config.variance, invert: config.invert ?? false };
    }
    override build(shape: tf.Shape | tf.Shape[]) {
      const C = (shape as number[])[(shape as number[]).length - 1];
      if (this.given.mean == null) {
        const zeros = tf.initializers.zeros(), ones = tf.initializers.ones();
        this.stats = { mean: this.addWeight('mean', [C], 'float32', zeros, undefined, false), variance: this.addWeight('variance', [C], 'float32', ones, undefined, false) };
        this.addWeight('count', [], 'float32', zeros, undefined, false);
      }
      this.built = true;
    }
    override call(inputs: tf.Tensor | tf.Tensor[]) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const mean = this.stats ? this.stats.mean.read() : tf.tensor1d(this.given.mean!);
      const variance = this.stats ? this.stats.variance.read() : tf.tensor1d(this.given.variance!);
      const std = tf.maximum(tf.sqrt(variance), 1e-7);
      return this.given.invert ? tf.add(mean, tf.mul(x, std)) : tf.div(tf.sub(x, mean), std);
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), mean: this.given.mean ?? null, variance: this.given.variance ?? null, invert: this.given.invert };
    }
  }
  tf.serialization.registerClass(Subtract);
  tf.serialization.registerClass(Normalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

let ready: Promise<void> | undefined;
/** The CPU backend, set once per test file. */
export function tfjsCpu(): Promise<typeof tf> {
  ready ??= tf.setBackend('cpu').then(async () => {
    await tf.ready();
    registerMissingKerasLayers();
    // its first write would print a banner recommending tfjs-node: the pure-JS backend is the point here
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  });
  return ready.then(() => tf);
}

export interface SavedModel {
  modelJson: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: ManifestEntry[] }[] };
  shard: Uint8Array;
}

/** What tf.LayersModel.save writes: model.json (one group, one shard 'weights.bin') and the shard's bytes. */
export async function saveModel(model: tf.LayersModel): Promise<SavedModel> {
  let saved: SavedModel | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = artifacts.weightData!;
    const buffers = Array.isArray(data) ? data : [data];
    const shard = new Uint8Array(buffers.reduce((a, b) => a + b.byteLength, 0));
    let o = 0;
    for (const b of buffers) o += (shard.set(new Uint8Array(b), o), b.byteLength);
    saved = { modelJson: { modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs as ManifestEntry[] }] }, shard };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

/** The float32 shard quantised per weight to uint8 or uint16 with an affine min/scale, as the converter's --quantize_uint8/16. */
export function quantize(saved: SavedModel, dtype: 'uint8' | 'uint16'): SavedModel {
  const levels = dtype === 'uint8' ? 255 : 65535;
  const floats = new Float32Array(saved.shard.buffer.slice(saved.shard.byteOffset, saved.shard.byteOffset + saved.shard.byteLength));
  const parts: Uint8Array[] = [];
  const weights: ManifestEntry[] = [];
  let at = 0;
  for (const entry of saved.modelJson.weightsManifest[0].weights) {
    const n = entry.shape.reduce((a, d) => a * d, 1);
    const values = floats.subarray(at, at + n);
    at += n;
    const min = Math.min(...values, 0), max = Math.max(...values, 0);
    const scale = max > min ? (max - min) / levels : 1;
    const q = dtype === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
    values.forEach((v, i) => (q[i] = Math.round((v - min) / scale)));
    parts.push(new Uint8Array(q.buffer));
    weights.push({ ...entry, quantization: { dtype, min, scale } });
  }
  const shard = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) o += (shard.set(p, o), p.length);
  return { modelJson: { modelTopology: saved.modelJson.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights }] }, shard };
}

type ModelJson = { modelTopology: unknown; weightsManifest: { weights: ManifestEntry[] }[] };

/** tf.loadLayersModel on model.json and its shards already in memory (dequantising as it always does), on the CPU backend. */
export async function loadInTfjs(modelJson: ModelJson, shard: Uint8Array): Promise<tf.LayersModel> {
  await tfjsCpu();
  return layersModelFromMemory(modelJson, shard);
}

/** The same on whatever backend TF.js has set (the training benchmark's WebGPU). */
export function layersModelFromMemory(modelJson: ModelJson, shard: Uint8Array): Promise<tf.LayersModel> {
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  const weightData = shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology as object, weightSpecs, weightData }));
}

/** The outputs of the named layers for one input, as TF.js computes them. */
export async function tfjsOutputs(model: tf.LayersModel, input: { shape: number[]; data: Float32Array }, layers: string[]): Promise<Float32Array[]> {
  const t = await tfjsCpu();
  const sub = t.model({ inputs: model.inputs, outputs: layers.map((l) => model.getLayer(l).output as tf.SymbolicTensor) });
  const x = t.tensor(input.data, input.shape);
  const ys = sub.predict(x) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(ys) ? ys : [ys];
  const out = await Promise.all(list.map((y) => y.data() as Promise<Float32Array>));
  t.dispose([x, ...list]);
  return out;
}
