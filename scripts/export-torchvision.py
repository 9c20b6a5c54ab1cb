#!/usr/bin/python3
"""Exports torchvision CNNs to ONNX with random weights, for deepwire's import checks.

    /usr/bin/python3 scripts/export-torchvision.py [--out out/torchvision] [--opset 13] [MODEL ...]
    /usr/bin/python3 scripts/export-torchvision.py --fixtures src/io/fixtures [FIXTURE ...]

Needs Debian's python3-torch, python3-torchvision and python3-onnx (PyTorch 1.13, CPU). Each model is
written as NAME.onnx with NAME.input.pb and NAME.output.pb (ONNX TensorProto): a random input and
PyTorch's own output for it. BatchNorm statistics and affine parameters are randomised too, so that
folding them is tested. --fixtures writes the small models the unit tests use (GoogLeNet's
blocks at reduced width, a net of the less common ops, ShuffleNet's and squeeze-excite's reductions
and channel shuffles, a 1-D conv net, ShuffleNetV2's units with their channel split, and ConvNeXt's blocks), each well under 200 KB; name some to write only those.
"""
import argparse
import os

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from onnx import numpy_helper
from torchvision.models.convnext import CNBlock, LayerNorm2d
from torchvision.models.googlenet import BasicConv2d, Inception
from torchvision.models.shufflenetv2 import InvertedResidual

MODELS = {
    # name: (constructor, input size)
    'googlenet': (lambda: torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True), 224),
    'resnet50': (lambda: torchvision.models.resnet50(weights=None), 224),
    'resnext50_32x4d': (lambda: torchvision.models.resnext50_32x4d(weights=None), 224),
    'densenet121': (lambda: torchvision.models.densenet121(weights=None), 224),
    'mobilenet_v2': (lambda: torchvision.models.mobilenet_v2(weights=None), 224),
    'inception_v3': (lambda: torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=True), 299),
    'resnet18': (lambda: torchvision.models.resnet18(weights=None), 224),
    'vgg11_bn': (lambda: torchvision.models.vgg11_bn(weights=None), 224),
    'alexnet': (lambda: torchvision.models.alexnet(weights=None), 224),
    'squeezenet1_1': (lambda: torchvision.models.squeezenet1_1(weights=None), 224),
    'shufflenet_v2_x1_0': (lambda: torchvision.models.shufflenet_v2_x1_0(weights=None), 224),
    'mobilenet_v3_small': (lambda: torchvision.models.mobilenet_v3_small(weights=None), 224),
    'mobilenet_v3_large': (lambda: torchvision.models.mobilenet_v3_large(weights=None), 224),
    'mnasnet1_0': (lambda: torchvision.models.mnasnet1_0(weights=None), 224),
    'efficientnet_b0': (lambda: torchvision.models.efficientnet_b0(weights=None), 224),
    'regnet_y_400mf': (lambda: torchvision.models.regnet_y_400mf(weights=None), 224),
    'convnext_tiny': (lambda: torchvision.models.convnext_tiny(weights=None), 224),
}


class TinyGoogLeNet(nn.Module):
    """GoogLeNet's stem, its ceil-mode max pools and one Inception module, at a tenth of the width."""

    def __init__(self):
        super().__init__()
        self.conv1 = BasicConv2d(3, 8, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(8, 8, kernel_size=1)
        self.conv3 = BasicConv2d(8, 16, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(16, 8, 8, 12, 4, 6, 6)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3a(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(self.dropout(x))


class TinyMixed(nn.Module):
    """The ops the big models use less: input normalisation by constants, grouped, depthwise and dilated
    convs, asymmetric padding, ReLU6, LeakyReLU, a squeeze-excite scale, a residual add, average pooling
    counting the pads, and a Flatten of a 4×4 map (channel order!) before the classifier."""

    def __init__(self):
        super().__init__()
        self.register_buffer('mean', torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.grouped = nn.Conv2d(16, 16, 3, padding=1, groups=4)
        self.depthwise = nn.Conv2d(16, 16, 3, padding=2, dilation=2, groups=16)
        self.pointwise = nn.Conv2d(16, 16, 1)
        self.squeeze = nn.Conv2d(16, 4, 1)
        self.excite = nn.Conv2d(4, 16, 1)
        self.asym = nn.Conv2d(16, 8, (2, 3))
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = F.relu6(self.bn(self.stem(x)))
        y = F.leaky_relu(self.grouped(x), 0.1)
        y = self.pointwise(F.relu(self.depthwise(y)))
        scale = torch.sigmoid(self.excite(F.relu(self.squeeze(F.adaptive_avg_pool2d(y, 1)))))
        x = x + y * scale
        x = self.asym(F.pad(x, (2, 0, 1, 0)))
        x = self.pool(torch.tanh(x))
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=1)


def channel_shuffle(x, groups):
    """ShuffleNet's, as torchvision writes it: Reshape → Transpose(0, 2, 1, 3, 4) → Reshape."""
    n, c, h, w = x.size()
    x = x.view(n, groups, c // groups, h, w)
    return torch.transpose(x, 1, 2).contiguous().view(n, -1, h, w)


class TinyShuffle(nn.Module):
    """What PyTorch CNNs write that Keras has no layer for: channel shuffles, a conv with strides and
    dilation together, a squeeze-excite block on x.mean((2, 3)) broadcast back with [:, :, None, None],
    a gate on x.sum((2, 3), keepdim=True), x.amax((2, 3)), and a BatchNorm1d on the pooled vector."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.grouped = nn.Conv2d(8, 8, 3, padding=1, groups=2)
        self.down = nn.Conv2d(8, 16, 3, stride=2, dilation=2, padding=2)
        self.squeeze = nn.Linear(16, 4)
        self.excite = nn.Linear(4, 16)
        self.bn1d = nn.BatchNorm1d(32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.stem(x)))
        x = channel_shuffle(F.relu(self.grouped(x)), 2)
        x = F.relu(self.down(x))
        s = torch.sigmoid(self.excite(F.relu(self.squeeze(x.mean((2, 3))))))
        x = x * s[:, :, None, None]
        x = x * torch.sigmoid(0.1 * x.sum((2, 3), keepdim=True))
        x = channel_shuffle(x, 4)
        v = torch.cat([x.mean((2, 3)), x.amax((2, 3))], 1)
        return self.fc(self.bn1d(v))


class TinyShuffleNetV2(nn.Module):
    """torchvision's own ShuffleNetV2 units at a tenth of the width: a strided unit (two branches, a
    depthwise conv in each) and a unit that splits its channels with x.chunk(2, dim=1)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.units = nn.Sequential(InvertedResidual(8, 16, 2), InvertedResidual(16, 16, 1))
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(self.units(self.stem(x)).mean((2, 3)))


class TinyConv1d(nn.Module):
    """1-D data (N×C×L): BatchNorm1d on the input and after a ReLU (not folded into a conv by the
    export), a strided dilated Conv1d, MaxPool1d, a mean over L."""

    def __init__(self):
        super().__init__()
        self.norm = nn.BatchNorm1d(4)
        self.conv = nn.Conv1d(4, 8, 3, stride=2, dilation=2, padding=2)
        self.bn = nn.BatchNorm1d(8)
        self.pool = nn.MaxPool1d(2)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = self.pool(self.bn(F.relu(self.conv(self.norm(x)))))
        return self.fc(x.mean(2))


class TinyConvNeXt(nn.Module):
    """ConvNeXt's own parts at a twelfth of the width: the patchify stem with its LayerNorm2d, a block
    (7×7 depthwise conv, LayerNorm on channels-last data, Linear–GELU–Linear, layer scale, residual),
    the downsampling, a second block and the head (mean, LayerNorm2d, Linear)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 4, stride=4), LayerNorm2d(8, eps=1e-6))
        self.block1 = CNBlock(8, layer_scale=1e-6, stochastic_depth_prob=0.0)
        self.down = nn.Sequential(LayerNorm2d(8, eps=1e-6), nn.Conv2d(8, 16, 2, stride=2))
        self.block2 = CNBlock(16, layer_scale=1e-6, stochastic_depth_prob=0.0)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), LayerNorm2d(16, eps=1e-6), nn.Flatten(1), nn.Linear(16, 5))

    def forward(self, x):
        return self.head(self.block2(self.down(self.block1(self.stem(x)))))


FIXTURES = {
    # name: (constructor, input shape, seed)
    'tiny-googlenet': (TinyGoogLeNet, (1, 3, 32, 32), 1),
    'tiny-mixed': (TinyMixed, (1, 3, 16, 16), 2),
    'tiny-shuffle': (TinyShuffle, (1, 3, 16, 16), 3),
    'tiny-conv1d': (TinyConv1d, (1, 4, 20), 4),
    'tiny-shufflenet-v2': (TinyShuffleNetV2, (1, 3, 16, 16), 5),
    'tiny-convnext': (TinyConvNeXt, (1, 3, 32, 32), 6),
}


def randomise(model, seed):
    """Random BatchNorm statistics, norm affine parameters and layer scales: a fresh model's identities test nothing."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)
        if isinstance(m, nn.LayerNorm):
            m.weight.data.copy_(torch.rand(m.normalized_shape, generator=g) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(m.normalized_shape, generator=g) * 0.1)
        if isinstance(m, CNBlock):
            # ConvNeXt starts its residual branches at 1e-6: they would hardly show in the output.
            m.layer_scale.data.copy_(torch.rand(m.layer_scale.shape, generator=g) * 0.5 + 0.25)


def save_tensor(array, path):
    with open(path, 'wb') as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


def export(model, shape, path, opset, seed=0):
    torch.manual_seed(seed)
    model.eval()
    with torch.no_grad():
        randomise(model, seed)
        x = torch.rand(*shape, generator=torch.Generator().manual_seed(seed + 1))
        y = model(x)
        torch.onnx.export(model, x, path, opset_version=opset, input_names=['input'], output_names=['output'],
                          do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    stem = path[:-len('.onnx')]
    save_tensor(x.numpy(), stem + '.input.pb')
    save_tensor(y.numpy(), stem + '.output.pb')
    print(f'{path}: {os.path.getsize(path) / 1e6:.1f} MB, output {tuple(y.shape)}')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('models', nargs='*', help=f'any of {", ".join(MODELS)} (default: all)')
    parser.add_argument('--out', default='out/torchvision')
    parser.add_argument('--opset', type=int, default=13)
    parser.add_argument('--fixtures', help='write the small test models into this folder instead')
    args = parser.parse_args()
    if args.fixtures:
        unknown = [m for m in args.models if m not in FIXTURES]
        if unknown:
            parser.error(f'unknown fixture {unknown[0]}; choose from {", ".join(FIXTURES)}')
        os.makedirs(args.fixtures, exist_ok=True)
        for name in args.models or FIXTURES:
            make, shape, seed = FIXTURES[name]
            # torch.manual_seed before the constructor: the same weights on every run.
            torch.manual_seed(seed)
            export(make(), shape, os.path.join(args.fixtures, f'{name}.onnx'), args.opset, seed=seed)
        return
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        parser.error(f'unknown model {unknown[0]}; choose from {", ".join(MODELS)}')
    os.makedirs(args.out, exist_ok=True)
    for name in args.models or MODELS:
        make, size = MODELS[name]
        export(make(), (1, 3, size, size), os.path.join(args.out, f'{name}.onnx'), args.opset)


if __name__ == '__main__':
    main()
