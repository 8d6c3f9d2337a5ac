"""torch_mnist4k.py -- the book's SimpleConvNet trained in PyTorch on Datasets/mnist-4k,
evaluated on a held-out MNIST set. The anchor for the supervised acceptance bar.

Usage: python torch_mnist4k.py --train Datasets/mnist-4k --test DIR [--epochs 20] [--seed 0] [--threads 1]
Prints one JSON line with the final test accuracy and seconds per epoch.
"""
import argparse, gzip, json, struct, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 2051:
        n, r, c = struct.unpack(">III", data[4:16])
        return np.frombuffer(data[16:], np.uint8).reshape(n, 1, r, c)
    n = struct.unpack(">I", data[4:8])[0]
    return np.frombuffer(data[8:], np.uint8)


def net():
    return nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True); ap.add_argument("--test", required=True)
    ap.add_argument("--epochs", type=int, default=20); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1); ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=100)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed); rng = np.random.default_rng(a.seed)
    X = torch.tensor(read_idx(a.train + "/train-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
    Y = torch.tensor(read_idx(a.train + "/train-labels-idx1-ubyte.gz").astype(np.int64))
    Xt = torch.tensor(read_idx(a.test + "/test-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
    Yt = torch.tensor(read_idx(a.test + "/test-labels-idx1-ubyte.gz").astype(np.int64))
    m = net(); opt = torch.optim.Adam(m.parameters(), lr=a.lr)
    for w in m.modules():
        if isinstance(w, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(w.weight, nonlinearity="relu"); nn.init.zeros_(w.bias)
    t0 = time.perf_counter(); curve = []
    for ep in range(a.epochs):
        m.train(); perm = rng.permutation(len(Y))
        for i in range(0, len(Y), a.batch):
            idx = perm[i:i + a.batch]
            loss = F.cross_entropy(m(X[idx]), Y[idx])
            opt.zero_grad(); loss.backward(); opt.step()
        m.eval()
        with torch.no_grad():
            acc = (m(Xt).argmax(1) == Yt).float().mean().item()
        curve.append(round(acc, 4))
    secs = time.perf_counter() - t0
    print(json.dumps(dict(bench="torch_mnist4k_simpleconvnet", epochs=a.epochs, seed=a.seed, threads=a.threads,
                          test_accuracy=curve[-1], best_accuracy=max(curve), curve=curve,
                          seconds_per_epoch=secs / a.epochs, torch=torch.__version__)))


if __name__ == "__main__":
    main()
