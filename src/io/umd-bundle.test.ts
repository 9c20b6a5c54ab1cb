import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readUmdExport } from './umd-bundle.ts';

/** The browserify UMD wrapper nsfwjs's model files use, around `n.exports=<literal>`. */
const umd = (literal: string) =>
  `!function(a){if("object"==typeof exports&&"undefined"!=typeof module)module.exports=a();else{(this).model=a()}}(function(){return function a(n,i,e){return t}({1:[function(a,n,i){n.exports=${literal}},{}]},{},[1])(1)});`;

const NSFWJS = new URL('../../node_modules/nsfwjs/dist/models/inception_v3/', import.meta.url);

describe('readUmdExport', () => {
  it('reads the minified literal: bare keys, !0/!1, .5, exponents, escapes, both quotes', () => {
    const literal = `{modelTopology:{a:!0,b:!1,c:null,"d-e":[1,-.12,.5,3e-4,-2E+2],f:'it\\'s',g:"tab\\tu\\u00e9"},h:void 0,i:[[],{}],j:1/0}`;
    expect(readUmdExport(umd(literal), 'model.min.js')).toEqual({
      modelTopology: { a: true, b: false, c: null, 'd-e': [1, -0.12, 0.5, 3e-4, -200], f: "it's", g: 'tab\tué' },
      h: undefined, i: [[], {}], j: Infinity,
    });
  });

  it('reads a shard: one long string', () => {
    expect(readUmdExport(umd('"AAECAw=="'), 'group1-shard1of1.min.js')).toBe('AAECAw==');
  });

  it('never runs code: a call inside the literal is an error, not an effect', () => {
    expect(() => readUmdExport(umd('{a:globalThis.boom()}'), 'evil.min.js')).toThrow('evil.min.js is not the data module expected: at offset');
    expect(() => readUmdExport('module.exports = compute();', 'code.js')).toThrow('code.js exports no data literal');
  });

  it('says where a damaged literal breaks', () => {
    expect(() => readUmdExport('n.exports={a:[1,2', 'cut.min.js')).toThrow(`cut.min.js is not the data module expected: at offset 17 expected ',' or ']', found the end of the file`);
  });

  it("reads nsfwjs's InceptionV3: the Keras topology and the weight manifest", () => {
    const model = readUmdExport(readFileSync(new URL('model.min.js', NSFWJS), 'utf8'), 'model.min.js') as any;
    expect(model.modelTopology.keras_version).toBe('2.2.4');
    expect(model.modelTopology.model_config.config.layers).toHaveLength(318);
    expect(model.weightsManifest[0].paths).toHaveLength(6);
    expect(model.weightsManifest[0].weights[0]).toEqual({
      name: 'batch_normalization_1/beta', shape: [32], dtype: 'float32',
      quantization: { min: -1.4470329237919228, scale: 0.022262044981414198, dtype: 'uint8' },
    });
  });
});
