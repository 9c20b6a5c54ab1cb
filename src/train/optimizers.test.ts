// The optimizers' update rules against values worked out by hand from Keras 3's update_step (the first
// step in the comments; the later ones by the same formulas in float64), over three steps of
// gradients 0.5, −0.25, 1 on a weight starting at 1.
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_DEFAULTS, type AdamConfig, type OptimizerConfig, type RMSpropConfig, type SGDConfig } from './config.ts';
import { applyUpdate, createSlots, slotNames } from './optimizers.ts';

const GRADIENTS = [0.5, -0.25, 1];

/** Keras' defaults under `overrides`, as optimizerConfig makes them. */
const sgd = (o: Partial<SGDConfig> = {}): SGDConfig => ({ ...OPTIMIZER_DEFAULTS.sgd, ...o });
const adam = (o: Partial<AdamConfig> = {}): AdamConfig => ({ ...OPTIMIZER_DEFAULTS.adam, ...o });
const rmsprop = (o: Partial<RMSpropConfig> = {}): RMSpropConfig => ({ ...OPTIMIZER_DEFAULTS.rmsprop, ...o });
const BY_NAME = { sgd, adam, rmsprop };

function run(config: OptimizerConfig, type: typeof Float32Array | typeof Float64Array = Float64Array): number[] {
  const w = new type([1]);
  const slots = createSlots(config, 1, type);
  return GRADIENTS.map((g, i) => (applyUpdate(config, w, [g], slots, i), w[0]));
}

const close = (got: number[], want: number[], digits = 12) => got.forEach((v, i) => expect(v, `step ${i + 1}`).toBeCloseTo(want[i], digits));

describe('SGD (Keras 3 sgd.py)', () => {
  it('plain: w −= lr·g', () => close(run(sgd({ learningRate: 0.1 })), [0.95, 0.975, 0.875]));

  it('momentum: m = μ·m − lr·g; w += m', () => {
    // step 1: m = −0.05, w = 0.95; step 2: m = 0.9·−0.05 + 0.025 = −0.02, w = 0.93
    close(run(sgd({ learningRate: 0.1, momentum: 0.9 })), [0.95, 0.93, 0.812]);
  });

  it('Nesterov: w += μ·m − lr·g with the new m', () => {
    // step 1: m = −0.05, w = 1 + 0.9·−0.05 − 0.05 = 0.905
    close(run(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })), [0.905, 0.912, 0.7058]);
  });

  it('keeps a momentum slot only with momentum', () => {
    expect(slotNames(sgd())).toEqual([]);
    expect(slotNames(sgd({ momentum: 0.5 }))).toEqual(['momentum']);
  });
});

describe('Adam (Keras 3 adam.py)', () => {
  it('α = lr·√(1 − β2^t)/(1 − β1^t); w −= α·m/(√v + ε)', () => {
    // step 1: m = 0.05, v = 0.00025, α = 0.1·√0.001/0.1 = √0.001; w = 1 − √0.001·0.05/(√0.00025 + 1e-7)
    const first = 1 - (Math.sqrt(0.001) * 0.05) / (Math.sqrt(0.00025) + 1e-7);
    const got = run(adam({ learningRate: 0.1 }));
    expect(got[0]).toBeCloseTo(first, 14);
    close(got, [0.9000006324515321, 0.8733670792079219, 0.8075561008769583]);
  });

  it('puts ε where Keras 3 does, not where TF.js and the paper do (√v̂ + ε)', () => {
    const config = adam({ learningRate: 0.1, epsilon: 1e-3 });
    close(run(config), [0.9059483487151976, 0.8807411499594029, 0.8166981241491459]);
    // TF.js' form would give 0.9001996…, 0.8736331…, 0.8079213…
    expect(run(config)[0]).not.toBeCloseTo(0.9001996007984032, 3);
  });

  it('keeps momentum and velocity, and uses the iteration for the bias correction', () => {
    const config = adam({ learningRate: 0.1 });
    expect(slotNames(config)).toEqual(['momentum', 'velocity']);
    const w = new Float64Array([1]), slots = createSlots(config, 1);
    applyUpdate(config, w, [0.5], slots, 0);
    expect([slots.momentum[0], slots.velocity[0]]).toEqual([0.05, 0.5 * 0.5 * (1 - 0.999)].map((v) => expect.closeTo(v, 15)));
  });
});

describe('RMSprop (Keras 3 rmsprop.py)', () => {
  it('v = ρ·v + (1 − ρ)·g²; w −= lr·g/√(v + ε)', () => {
    // step 1: v = 0.1·0.25 = 0.025; w = 1 − 0.01·0.5/√(0.025 + 1e-7)
    const got = run(rmsprop({ learningRate: 0.01 }));
    expect(got[0]).toBeCloseTo(1 - 0.005 / Math.sqrt(0.0250001), 14);
    close(got, [0.9683772866436797, 0.983121456617157, 0.9549356748047833]);
  });

  it('centered with momentum: ḡ = ρ·ḡ + (1 − ρ)·g, √(v − ḡ² + ε); m = μ·m + increment; w −= m', () => {
    // step 1: ḡ = 0.05, denominator 0.025 − 0.0025 + 1e-7; w = 1 − 0.005/√0.0225001
    const config = rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true });
    const got = run(config);
    expect(got[0]).toBeCloseTo(1 - 0.005 / Math.sqrt(0.0225001), 14);
    close(got, [0.9666667407404939, 0.9648479316970439, 0.9340512867383161]);
    expect(slotNames(config)).toEqual(['velocity', 'momentum', 'average_gradient']);
  });
});

describe('storage', () => {
  it('Float32 variables and slots round what they store, as Keras float32 variables', () => {
    for (const make of Object.values(BY_NAME)) {
      const config = make({ learningRate: 0.01, momentum: 0.9 });
      const f32 = run(config, Float32Array), f64 = run(config);
      f32.forEach((v, i) => {
        expect(v).toBe(Math.fround(v));
        expect(Math.abs(v - f64[i])).toBeLessThan(1e-6);
      });
    }
  });

  it('refuses a gradient of the wrong length', () => {
    const config = sgd();
    expect(() => applyUpdate(config, new Float32Array(2), [1], {}, 0)).toThrow(/1 gradient values for 2/);
  });
});
