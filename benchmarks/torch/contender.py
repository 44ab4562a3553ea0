"""PyTorch as an optional contender of `npm run bench` (never a dependency of Zen-TS).

Trains the benchmark's models (the same layers, sizes, optimisers and batch sizes as
benchmarks/src/models.ts) on in-memory data and prints one JSON object:
{"torch": "<version>", "threads": {"1": {...}, "2": {...}}, "best": {"mlp": samples/s, ...},
"peakRssMiB": MiB}.
Each figure is the best of three timed passes after a warm-up; `best` takes the better
of one and two threads, so PyTorch is measured at its fastest on this machine.
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


def classifier_rate(model, x, y, batch):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    n = x.shape[0]
    state = {"i": 0}

    def step():
        i = state["i"]
        state["i"] = (i + batch) % (n - batch)
        opt.zero_grad()
        F.cross_entropy(model(x[i : i + batch]), y[i : i + batch]).backward()
        opt.step()

    return timed_best(step, batch, n // batch)


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
    model = SineRnn()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    state = {"i": 0}

    def step():
        i = state["i"]
        state["i"] = (i + 32) % (1024 - 32)
        opt.zero_grad()
        F.mse_loss(model(x[i : i + 32]), y[i : i + 32]).backward()
        opt.step()

    return timed_best(step, 32, 32)


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
        F.cross_entropy(logits.view(-1, vocab), targets.view(-1)).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    return timed_best(step, batch * context, 30)


MODELS = {"mlp": mlp_rate, "cnn": cnn_rate, "rnn": rnn_rate, "gpt": gpt_rate}


def main():
    names = sys.argv[1].split(",") if len(sys.argv) > 1 else list(MODELS)
    torch.manual_seed(0)
    threads = {}
    for count in (1, 2):
        torch.set_num_threads(count)
        threads[str(count)] = {name: MODELS[name]() for name in names}
    best = {name: max(threads["1"][name], threads["2"][name]) for name in names}
    # Peak RSS of this process (Linux reports KiB): the models run here, nothing else.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"torch": torch.__version__, "threads": threads, "best": best, "peakRssMiB": peak}))


if __name__ == "__main__":
    main()
