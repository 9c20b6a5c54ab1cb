"""PyTorch on the CPU, for scale beside deepwire's WebGPU training (bench/train.ts runs this).

The deepwire graph file built as torch modules (NCHW, PyTorch's own initial weights: the time of a step
does not depend on them), trained with Adam on random batches of the same shape, sparse
categorical crossentropy on the softmax output. Prints one JSON line: {"step_ms": [...]}.

    python3 bench/train-torch.py GRAPH.json --batch 32 --warmup 2 --steps 5 --threads 2
"""
import argparse
import json
import time

import torch
from torch import nn


def same_padding(kernel, strides):
    # Keras' 'same' for odd kernels: k // 2 on each side gives its output size at any stride.
    if kernel % 2 == 0:
        raise ValueError(f"'same' padding of an even kernel ({kernel}) is asymmetric: not built here")
    return kernel // 2


def pair(v):
    return v[0] if isinstance(v, list) else v


ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "linear": nn.Identity, "softmax": lambda: nn.Softmax(dim=1)}


class GraphModule(nn.Module):
    """The graph's nodes in its order; shapes tracked as (C, H, W) or (features,)."""

    def __init__(self, graph):
        super().__init__()
        self.order, self.inputs, self.kinds = [], {}, {}
        self.layers = nn.ModuleDict()
        shapes = {}
        for node in graph["nodes"]:
            nid, op, attrs, ins = node["id"], node["op"], node.get("attrs", {}), node.get("inputs", [])
            self.order.append(nid)
            self.inputs[nid] = ins
            self.kinds[nid] = op
            shape = shapes[ins[0]] if ins else None
            if op == "Input":
                h, w, c = attrs["shape"]
                shapes[nid] = (c, h, w)
                continue
            if op == "Conv2D":
                k, s = pair(attrs["kernel_size"]), pair(attrs.get("strides", 1))
                pad = same_padding(k, s) if attrs.get("padding", "valid") == "same" else 0
                conv = nn.Conv2d(shape[0], attrs["filters"], k, stride=s, padding=pad, bias=attrs.get("use_bias", True))
                layer = nn.Sequential(conv, ACTIVATIONS[attrs.get("activation", "linear")]())
                h = (shape[1] + 2 * pad - k) // s + 1
                w = (shape[2] + 2 * pad - k) // s + 1
                shapes[nid] = (attrs["filters"], h, w)
            elif op == "BatchNormalization":
                # Keras' momentum 0.99 is torch's 0.01; Keras' epsilon 1e-3
                layer = nn.BatchNorm2d(shape[0], eps=attrs.get("epsilon", 1e-3), momentum=1 - attrs.get("momentum", 0.99))
                shapes[nid] = shape
            elif op in ("ReLU", "Activation"):
                layer = ACTIVATIONS["relu" if op == "ReLU" else attrs["activation"]]()
                shapes[nid] = shape
            elif op == "MaxPool2D":
                p = pair(attrs["pool_size"])
                s = pair(attrs.get("strides", p))
                if attrs.get("padding", "valid") != "valid":
                    raise ValueError(f"{nid}: only 'valid' pooling is built here")
                layer = nn.MaxPool2d(p, s)
                shapes[nid] = (shape[0], (shape[1] - p) // s + 1, (shape[2] - p) // s + 1)
            elif op in ("GlobalAveragePool2D", "GlobalAveragePooling2D"):
                layer = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
                shapes[nid] = (shape[0],)
            elif op == "Flatten":
                layer = nn.Flatten()
                n = 1
                for d in shape:
                    n *= d
                shapes[nid] = (n,)
            elif op == "Dropout":
                layer = nn.Dropout(attrs["rate"])
                shapes[nid] = shape
            elif op == "Dense":
                layer = nn.Sequential(nn.Linear(shape[0], attrs["units"]), ACTIVATIONS[attrs.get("activation", "linear")]())
                shapes[nid] = (attrs["units"],)
            elif op == "Add":
                layer = None
                shapes[nid] = shape
            else:
                raise ValueError(f"{nid}: op {op} is not built in bench/train-torch.py")
            if layer is not None:
                self.layers[nid] = layer
        self.output = graph["outputs"][0]

    def forward(self, x):
        values = {}
        for nid in self.order:
            ins = [values[i] for i in self.inputs[nid]]
            kind = self.kinds[nid]
            if kind == "Input":
                values[nid] = x
            elif kind == "Add":
                values[nid] = sum(ins[1:], ins[0])
            else:
                values[nid] = self.layers[nid](ins[0])
        return values[self.output]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("graph")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(args.graph) as f:
        graph = json.load(f)
    model = GraphModule(graph)
    h, w, c = next(n for n in graph["nodes"] if n["op"] == "Input")["attrs"]["shape"]
    classes = next(n for n in graph["nodes"] if n["id"] == model.output)["attrs"]["units"]
    # Keras' Adam defaults, as deepwire and TF.js run it
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    nll = nn.NLLLoss()
    model.train()
    times = []
    for i in range(args.warmup + args.steps):
        x = torch.rand(args.batch, c, h, w)
        y = torch.randint(0, classes, (args.batch,))
        t0 = time.perf_counter()
        optimizer.zero_grad()
        # the output is a softmax: the crossentropy of its log, as Keras computes it on probabilities
        loss = nll(torch.log(model(x).clamp_min(1e-7)), y)
        loss.backward()
        optimizer.step()
        loss.item()
        if i >= args.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"step_ms": times, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
