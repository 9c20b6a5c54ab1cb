# A stand-in for the part of TensorFlow's Keras API that `deepwire export-keras` scripts use, for
# machines without TensorFlow (Debian packages none): the script runs for real against it, and each
# layer it builds is recorded — its class, arguments and the layers it was called on — instead of
# computed. keras-export.test.ts compares the record with the graph. Not Keras: no shapes, no weights;
# what it checks is that the script runs, names only layer classes Keras 3 has, and wires every layer
# to the inputs the graph gives it. The record is written as JSON to $KERAS_STAND_IN_RECORD when the
# script builds its Model.
import json
import os

# keras.layers classes of Keras 3 (keras.io/api/layers), the ones a CNN graph can name.
KERAS_LAYERS = {
    'Input', 'InputLayer', 'Dense', 'EinsumDense', 'Activation', 'Embedding', 'Masking', 'Lambda', 'Identity',
    'Conv1D', 'Conv2D', 'Conv3D', 'SeparableConv1D', 'SeparableConv2D', 'DepthwiseConv1D', 'DepthwiseConv2D',
    'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
    'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
    'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D',
    'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D',
    'BatchNormalization', 'LayerNormalization', 'UnitNormalization', 'GroupNormalization',
    'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianDropout', 'AlphaDropout', 'GaussianNoise',
    'ActivityRegularization',
    'Reshape', 'Flatten', 'RepeatVector', 'Permute', 'Cropping1D', 'Cropping2D', 'Cropping3D',
    'UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D',
    'Concatenate', 'Average', 'Maximum', 'Minimum', 'Add', 'Subtract', 'Multiply', 'Dot',
    'ReLU', 'Softmax', 'LeakyReLU', 'PReLU', 'ELU',
    'Normalization', 'Rescaling', 'Resizing', 'CenterCrop', 'RandomCrop', 'RandomFlip', 'RandomTranslation',
    'RandomRotation', 'RandomZoom', 'RandomContrast', 'RandomBrightness',
}

_layers = []
_names = set()


class KerasTensor:
    """A layer's output: only which layer made it."""

    def __init__(self, layer):
        self.layer = layer


def _text(value):
    if isinstance(value, KerasTensor):
        raise TypeError(f'a layer output passed as an argument where a value belongs (from {value.layer})')
    return repr(value)


class _Layer:
    def __init__(self, cls, args, kwargs):
        if cls not in KERAS_LAYERS:
            raise AttributeError(f"module 'keras.layers' has no attribute '{cls}'")
        name = kwargs.get('name')
        if not isinstance(name, str) or not name:
            raise ValueError(f'a {cls} layer without a name')
        if name in _names:
            raise ValueError(f"The name '{name}' is used 2 times in the model. All layer names should be unique.")
        _names.add(name)
        self.name = name
        self.entry = {'class': cls, 'name': name, 'args': [_text(a) for a in args],
                      'kwargs': {k: _text(v) for k, v in kwargs.items() if k != 'name'}, 'inbound': None}
        _layers.append(self.entry)

    def __call__(self, inputs, **kwargs):
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        for t in flat:
            if not isinstance(t, KerasTensor):
                raise TypeError(f'{self.name}: called on {t!r}, not on a layer output')
        if self.entry['inbound'] is not None:
            raise ValueError(f'{self.name}: called twice (deepwire writes one call per layer)')
        self.entry['inbound'] = [t.layer for t in flat]
        return KerasTensor(self.name)


class _Value:
    """A regularizer, initializer or constraint: written back as the call that made it."""

    def __init__(self, what, args, kwargs):
        self.text = f"{what}({', '.join([repr(a) for a in args] + [f'{k}={v!r}' for k, v in kwargs.items()])})"

    def __repr__(self):
        return self.text


class _Namespace:
    def __init__(self, module):
        self.module = module

    def __getattr__(self, cls):
        if cls.startswith('__'):
            raise AttributeError(cls)
        if self.module == 'layers':
            return lambda *args, **kwargs: _Layer(cls, args, kwargs)
        return lambda *args, **kwargs: _Value(f'{self.module}.{cls}', args, kwargs)


def _input(shape=None, name=None, **kwargs):
    layer = _Layer('Input', (), {'shape': tuple(shape), 'name': name, **kwargs})
    layer.entry['inbound'] = []
    return KerasTensor(layer.name)


class _Model:
    def __init__(self, inputs, outputs, name=None):
        as_list = lambda t: [x.layer for x in (t if isinstance(t, (list, tuple)) else [t])]
        uncalled = [e['name'] for e in _layers if e['inbound'] is None]
        if uncalled:
            raise ValueError(f'layers built but never called: {uncalled}')
        record = {'name': name, 'inputs': as_list(inputs), 'outputs': as_list(outputs), 'layers': _layers}
        path = os.environ.get('KERAS_STAND_IN_RECORD')
        if path:
            with open(path, 'w') as f:
                json.dump(record, f)

    def summary(self):
        print('(the Keras stand-in: no summary)')


class _Keras:
    layers = _Namespace('layers')
    regularizers = _Namespace('regularizers')
    initializers = _Namespace('initializers')
    constraints = _Namespace('constraints')
    Input = staticmethod(_input)
    Model = _Model


keras = _Keras()
