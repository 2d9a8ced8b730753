#!/usr/bin/python3
"""gloo all-reduce reference for `syncgrad bench exchange`: WORLD processes on 127.0.0.1 each
all-reduce (sum) a float32 tensor of PARAMS elements with torch.distributed's gloo backend, one
thread per process. A step's time is the slowest rank's, after a barrier. Prints one JSON object:
the median and 90th percentile seconds over --steps timed steps, after --warmup untimed ones.
With --rank R --master ADDR:PORT it runs one rank only (the emulated hosts start one per host,
each in its own network namespace); rank 0 prints the JSON.
Run with Debian's /usr/bin/python3 (apt-get install -y python3-torch).
"""
import argparse
import json
import os
import socket
import statistics
import tempfile
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(rank: int, world: int, port: int, params: int, steps: int, warmup: int, out: str, host: str = "127.0.0.1") -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://{host}:{port}", rank=rank, world_size=world)
    t = torch.randn(params, generator=torch.Generator().manual_seed(rank))
    times = []
    for i in range(warmup + steps):
        dist.barrier()
        t0 = time.perf_counter()
        dist.all_reduce(t)
        dt = torch.tensor([time.perf_counter() - t0], dtype=torch.float64)
        dist.all_reduce(dt, op=dist.ReduceOp.MAX)
        if i >= warmup:
            times.append(dt.item())
    if rank == 0:
        times.sort()
        with open(out, "w") as f:
            json.dump({
                "median_seconds": statistics.median(times),
                "p90_seconds": times[min(len(times) - 1, int(0.9 * len(times)))],
                "steps_seconds": times,
                "torch_version": torch.__version__,
                "world": world,
                "params": params,
            }, f)
    dist.destroy_process_group()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--params", type=int, default=16154950)
    p.add_argument("--world", type=int, default=2)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--rank", type=int, default=None, help="run this rank only (with --master)")
    p.add_argument("--master", default=None, help="ADDR:PORT of rank 0's rendezvous")
    a = p.parse_args()
    if a.rank is not None:
        host, port = a.master.rsplit(":", 1)
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "result.json")
            run(a.rank, a.world, int(port), a.params, a.steps, a.warmup, out, host)
            if a.rank == 0:
                with open(out) as f:
                    print(f.read())
        return
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "result.json")
        mp.spawn(run, args=(a.world, free_port(), a.params, a.steps, a.warmup, out), nprocs=a.world, join=True)
        with open(out) as f:
            print(f.read())


if __name__ == "__main__":
    main()
