// Pixel normalisation presets: Keras' `preprocess_input` modes (caffe, tf, torch) plus plain [0, 1] and
// raw 0–255. In: an RGB picture 0–255. Out: NHWC [1, H, W, C], C = 3, or 1 (luminance) for a gray Input.
// Reference: keras/src/applications/imagenet_utils.py (_preprocess_numpy_input).
import { OpError } from '../ops/op.ts';
import type { Tensor } from '../tensor.ts';
import type { Picture } from './resize.ts';

export type Preprocess = 'caffe' | 'tf' | 'torch' | 'unit' | 'raw';

export const PREPROCESS: Record<Preprocess, string> = {
  caffe: 'BGR, ImageNet mean subtracted (103.939, 116.779, 123.68): VGG, ResNet50',
  tf: 'scaled to [-1, 1]: Inception, Xception, MobileNet',
  torch: 'scaled to [0, 1], then ImageNet mean and std: DenseNet',
  unit: 'scaled to [0, 1]',
  raw: 'pixel values 0–255 as they are: EfficientNet, ConvNeXt (they rescale inside)',
};

/** Keras' caffe means, in BGR order. */
export const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68] as const;
export const TORCH_MEAN = [0.485, 0.456, 0.406] as const;
export const TORCH_STD = [0.229, 0.224, 0.225] as const;
/** Rec. 601 luma weights, as PIL's convert('L') and tf.image.rgb_to_grayscale use. */
export const LUMA = [0.299, 0.587, 0.114] as const;

export function isPreprocess(name: string): name is Preprocess {
  return Object.hasOwn(PREPROCESS, name);
}

/** The picture as the batch-of-one tensor an Input with `channels` channels takes. */
export function preprocessPicture(picture: Picture, channels: number, mode: Preprocess): Tensor {
  if (!isPreprocess(mode)) throw new OpError(`unknown preprocessing '${mode}'`, `use one of ${Object.keys(PREPROCESS).join(', ')}`);
  if (channels !== 1 && channels !== 3)
    throw new OpError(`a photo feeds an Input with 1 (gray) or 3 (RGB) channels, not ${channels}`, 'set the Input shape to H×W×3 (or H×W×1)');
  if (channels === 1 && (mode === 'caffe' || mode === 'torch'))
    throw new OpError(`preprocessing '${mode}' is defined for 3-channel colour input; this Input takes 1 channel (gray)`, "use 'tf', 'unit' or 'raw' for a gray Input");
  const { width, height, data } = picture;
  const n = width * height;
  const out = new Float32Array(n * channels);
  if (channels === 1) {
    const [a, b] = mode === 'tf' ? [1 / 127.5, -1] : mode === 'unit' ? [1 / 255, 0] : [1, 0];
    for (let i = 0; i < n; i++) out[i] = (LUMA[0] * data[3 * i] + LUMA[1] * data[3 * i + 1] + LUMA[2] * data[3 * i + 2]) * a + b;
    return { shape: [1, height, width, 1], data: out };
  }
  if (mode === 'caffe') {
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 3; c++) out[3 * i + c] = data[3 * i + 2 - c] - CAFFE_MEAN_BGR[c];
    return { shape: [1, height, width, 3], data: out };
  }
  // y = x·scale[c] + shift[c], per RGB channel
  const scale = [0, 1, 2].map((c) => (mode === 'tf' ? 1 / 127.5 : mode === 'torch' ? 1 / (255 * TORCH_STD[c]) : mode === 'unit' ? 1 / 255 : 1));
  const shift = [0, 1, 2].map((c) => (mode === 'tf' ? -1 : mode === 'torch' ? -TORCH_MEAN[c] / TORCH_STD[c] : 0));
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++) out[3 * i + c] = data[3 * i + c] * scale[c] + shift[c];
  return { shape: [1, height, width, 3], data: out };
}

/**
 * The tensor fed, back as RGBA pixels (0–255, alpha 255) for a preview: the preprocessing undone, gray
 * replicated, values outside 0–255 clipped. `t` is [N, H, W, C]; the first image is drawn.
 */
export function previewPixels(t: Tensor, mode: Preprocess): Uint8ClampedArray {
  const [, H, W, C] = t.shape;
  const out = new Uint8ClampedArray(H * W * 4);
  const pixel = (v: number, c: number): number => {
    if (mode === 'caffe') return v + CAFFE_MEAN_BGR[2 - c];
    if (mode === 'tf') return (v + 1) * 127.5;
    if (mode === 'torch') return (v * TORCH_STD[c] + TORCH_MEAN[c]) * 255;
    return mode === 'unit' ? v * 255 : v;
  };
  for (let i = 0; i < H * W; i++) {
    for (let c = 0; c < 3; c++) {
      // caffe stores B, G, R: the red of the preview is channel 2
      const k = C === 1 ? 0 : mode === 'caffe' ? 2 - c : c;
      out[4 * i + c] = pixel(t.data[i * C + k], C === 1 ? 0 : c);
    }
    out[4 * i + 3] = 255;
  }
  return out;
}

/** What keras.applications.<family>.preprocess_input does, by zoo family (src/models/zoo.ts). */
export const KERAS_APPLICATION_PREPROCESS: Record<string, Preprocess> = {
  VGG: 'caffe', ResNet: 'caffe', ResNetV2: 'tf', Inception: 'tf', Xception: 'tf', MobileNet: 'tf', NASNet: 'tf', DenseNet: 'torch', EfficientNet: 'raw',
};
