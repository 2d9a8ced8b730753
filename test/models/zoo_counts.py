# torchvision's parameter and running-statistic counts for the zoo's models, as JSON: the
# reference `summary --model` is checked against (Debian's python3-torchvision 0.14).
import json
import sys

import torchvision.models as m

out = {}
for name, ctor in [("resnet18", m.resnet18), ("resnet50", m.resnet50), ("mobilenet-v2", m.mobilenet_v2)]:
    net = ctor(num_classes=int(sys.argv[1]))
    buffers = sum(b.numel() for n, b in net.named_buffers() if not n.endswith("num_batches_tracked"))
    out[name] = {"params": sum(p.numel() for p in net.parameters()), "buffers": buffers}
print(json.dumps(out))
