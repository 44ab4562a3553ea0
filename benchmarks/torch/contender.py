"""PyTorch as an optional contender of `npm run bench` (never a dependency of Zen-TS).

Usage: contender.py MODELS THREADS, e.g. `contender.py mlp,cnn 2`.
Trains the benchmark's models (the same layers, sizes, optimisers and batch sizes as
benchmarks/src/models.ts) on in-memory data with THREADS intra-op threads and prints one
JSON object: {"torch": "<version>", "threads": THREADS, "rates": {"mlp": samples/s, ...},
"peakRssMiB": MiB}. The caller runs one process per thread count with OpenBLAS's own
thread count set to match (it is read when the library loads) and keeps the better.
The classifier and RNN loops do what Keras's `fit(shuffle=True)` does, as Zen-TS's and
TensorFlow.js's contenders do: a fresh permutation each epoch, each batch gathered from
it, and the batch's loss read back as a number.
Each figure is the best of three timed epochs after a warm-up.
"""
import json
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timed_best(step, samples_per_step, steps, rounds=3):
    for _ in range(max(1, steps // 4)):
        step()
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        best = max(best, steps * samples_per_step / (time.perf_counter() - start))
    return best


def shuffled_batches(n, batch):
    """Index batches of one epoch in a fresh random order, endlessly (fit's shuffle)."""
    while True:
        order = torch.randperm(n)
        for i in range(0, n - batch + 1, batch):
            yield order[i : i + batch]


def fit_rate(model, loss_fn, x, y, batch):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    batches = shuffled_batches(x.shape[0], batch)

    def step():
        index = next(batches)
        opt.zero_grad()
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        opt.step()
        loss.item()

    return timed_best(step, batch, x.shape[0] // batch)


def classifier_rate(model, x, y, batch):
    return fit_rate(model, F.cross_entropy, x, y, batch)


def mlp_rate():
    x = torch.rand(4096, 784)
    y = torch.randint(0, 10, (4096,))
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return classifier_rate(model, x, y, 64)


def cnn_rate():
    x = torch.rand(2048, 1, 28, 28)
    y = torch.randint(0, 10, (2048,))
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10),
    )
    return classifier_rate(model, x, y, 64)


class SineRnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x):
        return self.head(self.rnn(x)[0][:, -1])


def rnn_rate():
    x = torch.rand(1024, 50, 1)
    y = torch.rand(1024, 1)
    return fit_rate(SineRnn(), F.mse_loss, x, y, 32)


class Block(nn.Module):
    """Pre-norm decoder block: causal self-attention and a GELU feed-forward."""

    def __init__(self, width, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attention = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x):
        t = x.shape[1]
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
        h = self.ln1(x)
        x = x + self.attention(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


def gpt_rate(vocab=89, context=64, width=128, layers=4, heads=4, batch=16):
    tok = nn.Embedding(vocab, width)
    pos = nn.Embedding(context, width)
    blocks = nn.Sequential(*[Block(width, heads) for _ in range(layers)])
    norm = nn.LayerNorm(width)
    head = nn.Linear(width, vocab)
    params = [p for m in (tok, pos, blocks, norm, head) for p in m.parameters()]
    opt = torch.optim.AdamW(params, 1e-3, weight_decay=0.01)
    positions = torch.arange(context)

    def step():
        ids = torch.randint(0, vocab, (batch, context))
        targets = torch.randint(0, vocab, (batch, context))
        logits = head(norm(blocks(tok(ids) + pos(positions))))
        opt.zero_grad()
        loss = F.cross_entropy(logits.view(-1, vocab), targets.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        loss.item()  # trainOnBatch returns the loss as a number too

    return timed_best(step, batch * context, 30)



def peak_rss_mib():
    """Peak RSS in MiB: VmHWM on Linux (getrusage's maxrss of a process started by fork and
    exec also counts its parent's memory at the fork), else getrusage."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


MODELS = {"mlp": mlp_rate, "cnn": cnn_rate, "rnn": rnn_rate, "gpt": gpt_rate}


def main():
    names = sys.argv[1].split(",") if len(sys.argv) > 1 else list(MODELS)
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    rates = {name: MODELS[name]() for name in names}
    # Peak RSS of this process (Linux reports KiB): the models run here, nothing else.
    peak = peak_rss_mib()
    print(json.dumps({"torch": torch.__version__, "threads": threads, "rates": rates, "peakRssMiB": peak}))


if __name__ == "__main__":
    main()
