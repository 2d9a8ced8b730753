#!/usr/bin/python3
"""The seed's PyTorch module, loaded from a `syncgrad export --format safetensors` file with nothing
but the standard library and torch (the safetensors format is a JSON header and little-endian f32),
run on images that Node decoded and normalised exactly as `syncgrad predict` does.

usage: seed_parity.py MODEL.safetensors INPUTS.f32 N SIZE CHANNELS
INPUTS.f32 holds N images, NHWC float32. Prints one JSON object: {"probabilities": [[...], ...], "logits": [[...], ...]}.
"""
import json
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class SeedCNN(nn.Module):
    """The student's network: three conv blocks (256 same, 128 same, 64 valid), then 256, 128, classes."""

    def __init__(self, image_size: int, channels: int, classes: int, dropout: float = 0.2):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 256, 3, padding=1)
        self.conv2 = nn.Conv2d(256, 128, 3, padding=1)
        self.conv3 = nn.Conv2d(128, 64, 3)
        s = (image_size // 2 // 2 - 2) // 2
        self.fc1 = nn.Linear(64 * s * s, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, classes)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = self.drop(self.pool(F.relu(self.conv1(x))))
        x = self.drop(self.pool(F.relu(self.conv2(x))))
        x = self.pool(F.relu(self.conv3(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


DTYPES = {"F32": torch.float32, "I64": torch.int64}


def read_safetensors(path: str):
    """A safetensors file's tensors (F32, and I64 for BatchNorm's num_batches_tracked) and its metadata."""
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8 : 8 + n])
    body = memoryview(buf)[8 + n :]
    meta = header.pop("__metadata__", {})
    state = {}
    for name, t in header.items():
        a, b = t["data_offsets"]
        state[name] = torch.frombuffer(bytearray(body[a:b]), dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
    return state, meta


def main() -> None:
    path, inputs, n, size, channels = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    state, meta = read_safetensors(path)
    classes = state["fc3.bias"].shape[0]
    model = SeedCNN(size, channels, classes)
    # strict: every name and shape must be the module's own.
    model.load_state_dict(state, strict=True)
    model.eval()
    with open(inputs, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).reshape(n, size, size, channels)
    with torch.no_grad():
        logits = model(x.permute(0, 3, 1, 2).contiguous())
        probs = torch.softmax(logits, dim=1)
    print(json.dumps({"probabilities": probs.tolist(), "logits": logits.tolist(), "metadata": json.loads(meta.get("syncgrad", "{}"))}))


if __name__ == "__main__":
    main()
