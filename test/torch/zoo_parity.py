#!/usr/bin/python3
"""A zoo model's torchvision module, loaded strictly from a `syncgrad export --format safetensors`
file (read by seed_parity.read_safetensors: a JSON header, little-endian f32 and i64),
run on images that Node decoded and normalised exactly as `syncgrad predict` does.

usage: zoo_parity.py ARCH MODEL.safetensors INPUTS.f32 N SIZE CHANNELS
Prints one JSON object: {"probabilities": [[...], ...], "logits": [[...], ...]}.
"""
import json
import sys

import torch
import torchvision.models as models
from seed_parity import read_safetensors

BUILD = {"resnet18": models.resnet18, "resnet50": models.resnet50, "mobilenet-v2": models.mobilenet_v2}


def main() -> None:
    arch, path, inputs = sys.argv[1], sys.argv[2], sys.argv[3]
    n, size, channels = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    state, _ = read_safetensors(path)
    classes = state["fc.bias" if arch.startswith("resnet") else "classifier.1.bias"].shape[0]
    model = BUILD[arch](num_classes=classes)
    if channels != 3:
        raise SystemExit("torchvision's zoo takes 3 channels")
    # strict: every name, shape and buffer must be the module's own.
    model.load_state_dict(state, strict=True)
    model.eval()
    with open(inputs, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(n, size, size, channels)
    with torch.no_grad():
        logits = model(x.permute(0, 3, 1, 2).contiguous())
    print(json.dumps({"probabilities": torch.softmax(logits, dim=1).tolist(), "logits": logits.tolist()}))


if __name__ == "__main__":
    main()
