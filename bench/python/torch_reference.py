#!/usr/bin/python3
"""PyTorch reference for `syncgrad bench`: the seed CNN with the same layer sizes, trained with
Adam and CrossEntropyLoss on synthetic data, on ONE thread (torch.set_num_threads(1)).

Prints one JSON object: the median img/s over `--repeats` timed runs of `--steps` steps each,
after `--warmup` untimed steps, plus every repeat and the process's peak RSS. Run it with
Debian's /usr/bin/python3 (apt-get install -y python3-torch), which is what the harness calls.
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn as nn


def make_model(image_size: int, channels: int, classes: int, dropout: float) -> nn.Module:
    s = image_size // 2 // 2
    s = (s - 2) // 2
    flat = 64 * s * s
    return nn.Sequential(
        nn.Conv2d(channels, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(dropout),
        nn.Conv2d(256, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(dropout),
        nn.Conv2d(128, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(flat, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, classes),
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--mode", choices=["train", "infer"], default="train")
    p.add_argument("--image-size", type=int, default=64)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--classes", type=int, default=6)
    p.add_argument("--model", default="seed-cnn", help="seed-cnn, or torchvision's resnet18, resnet50, mobilenet-v2")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    if a.model == "seed-cnn":
        model = make_model(a.image_size, 3, a.classes, 0.2)
    else:
        try:
            import torchvision.models as zoo

            build = {"resnet18": zoo.resnet18, "resnet50": zoo.resnet50, "mobilenet-v2": zoo.mobilenet_v2}[a.model]
        except Exception:  # noqa: BLE001 - pip's torchvision fails against pip's torch 2.13 with a RuntimeError, not an ImportError
            from zoo_models import MODELS

            build = MODELS[a.model]
        model = build(num_classes=a.classes)
    x = torch.rand(a.batch_size, 3, a.image_size, a.image_size)
    y = torch.randint(0, a.classes, (a.batch_size,))

    if a.mode == "train":
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-5)
        loss_fn = nn.CrossEntropyLoss()

        def run() -> None:
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            loss.item()
    else:
        model.eval()

        def run() -> None:
            with torch.no_grad():
                model(x).sum().item()

    for _ in range(a.warmup):
        run()
    rates = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            run()
        rates.append(a.steps * a.batch_size / (time.perf_counter() - t0))
    print(json.dumps({
        "mode": a.mode,
        "model": a.model,
        "image_size": a.image_size,
        "batch_size": a.batch_size,
        "steps": a.steps,
        "img_per_sec": statistics.median(rates),
        "repeat_img_per_sec": rates,
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
