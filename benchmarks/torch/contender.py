"""PyTorch as an optional contender of `npm run bench` (never a dependency of Zen-TS).

Usage: contender.py MODEL THREADS SECONDS, e.g. `contender.py cnn 2 2`.
Measures one round of one of the benchmark's models (the same layers, sizes, optimisers and
batch sizes as benchmarks/src/models.ts and gpt-models.ts) on in-memory data with THREADS
intra-op threads: a warm-up of a quarter of an epoch (the GPT: 7 steps), then training steps
until SECONDS have passed. Prints one JSON object:
{"torch": "<version>", "model": MODEL, "threads": THREADS, "rate": samples/s (GPT: tokens/s),
"steps": timed steps, "peakRssMiB": MiB}. The bench runs one process per round and thread
count, between its Zen-TS rounds, with OpenBLAS's own thread count set to match (it is read
when the library loads).
The classifier and RNN loops do what Keras's `fit(shuffle=True)` does, as Zen-TS's and
TensorFlow.js's contenders do: a fresh permutation each epoch, each batch gathered from
it, and the batch's loss read back as a number.
"""
import json
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timed_rate(step, samples_per_step, warmup_steps, seconds):
    """Samples per second over steps run until `seconds` have passed, after the warm-up."""
    for _ in range(warmup_steps):
        step()
    steps = 0
    start = time.perf_counter()
    elapsed = 0.0
    while steps == 0 or elapsed < seconds:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
    return steps * samples_per_step / elapsed, steps


def shuffled_batches(n, batch):
    """Index batches of one epoch in a fresh random order, endlessly (fit's shuffle)."""
    while True:
        order = torch.randperm(n)
        for i in range(0, n - batch + 1, batch):
            yield order[i : i + batch]


def fit_round(model, loss_fn, x, y, batch):
    """A fit-like training step over shuffled batches, its samples, and its warm-up steps."""
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    batches = shuffled_batches(x.shape[0], batch)

    def step():
        index = next(batches)
        opt.zero_grad()
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        opt.step()
        loss.item()

    return step, batch, max(1, x.shape[0] // batch // 4)


def classifier_round(model, x, y, batch):
    return fit_round(model, F.cross_entropy, x, y, batch)


def mlp_round():
    x = torch.rand(4096, 784)
    y = torch.randint(0, 10, (4096,))
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return classifier_round(model, x, y, 64)


def cnn_round():
    x = torch.rand(2048, 1, 28, 28)
    y = torch.randint(0, 10, (2048,))
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10),
    )
    return classifier_round(model, x, y, 64)


class SineRnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x):
        return self.head(self.rnn(x)[0][:, -1])


def rnn_round():
    x = torch.rand(1024, 50, 1)
    y = torch.rand(1024, 1)
    return fit_round(SineRnn(), F.mse_loss, x, y, 32)


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


def gpt_round(vocab=89, context=64, width=128, layers=4, heads=4, batch=16):
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

    return step, batch * context, 7


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


MODELS = {"mlp": mlp_round, "cnn": cnn_round, "rnn": rnn_round, "gpt": gpt_round}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: contender.py {'|'.join(MODELS)} THREADS SECONDS, got {sys.argv[1:]}")
    name, threads, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    rate, steps = timed_rate(*MODELS[name](), seconds)
    # Peak RSS of this process: the model runs here, nothing else.
    report = {"torch": torch.__version__, "model": name, "threads": threads, "rate": rate, "steps": steps}
    print(json.dumps({**report, "peakRssMiB": peak_rss_mib()}))


if __name__ == "__main__":
    main()
