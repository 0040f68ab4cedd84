"""The bfloat16 path for forward-only work against float32, per model, for the reduced-precision section of
`71_throughput`: per-image metric differences on the same maps, map Spearman of RISE and Score-CAM, a paired
comparison of two methods in both precisions, and the speed of each part, float32 and bfloat16 alternating.

    python precision_bench.py --out ../results/precision.json            # 64 images per model, one torch thread
    python precision_bench.py --out /tmp/p.json --images 4 --rise-images 2 --scorecam-images 1 --models bench2_cnn

Run on a quiet machine: the load average before and after is recorded with the numbers."""
import argparse, json, os, platform, time
import numpy as np, torch
from iia_nb.core import forward_precision
from iia_nb.experiments.evaluate import evaluate
from iia_nb.experiments.crosscheck import side_by_side, map_agreement
from iia_nb.experiments.stats import paired
from iia_nb.methods.registry import explain
from iia_nb.metrics.perturbation import chunked_logits
from iia_nb.models.zoo import load_model
from iia_nb.data.bench import SyntheticBench
from iia_nb.data.images import transform_for

METRICS = ['pos', 'neg', 'ins', 'del', 'adp', 'pic']
PAIRS = dict(cnn=('gradcam', 'gradcam++'), vit=('gae', 'rollout'))   # two cheap methods compared in both precisions

def timed_maps(make, images:int) -> tuple:
    """`make(precision)` timed once in each precision, alternating (`side_by_side`); `(seconds per image, lowest
    per-image Spearman of the bfloat16 maps against the float32 ones)` from those same calls."""
    maps = {}
    def run(p): maps[p] = make(p)
    s = side_by_side({p: (lambda p=p: run(p)) for p in ('float32', 'bfloat16')}, images, 1, 0)
    return s, map_agreement(maps['bfloat16'], maps['float32'])['spearman_min']

def forward_speed(model, x, repeats) -> dict:
    "Seconds per image of one batched forward pass of `x`, float32 and bfloat16 alternating."
    def once(p):
        with forward_precision(p): chunked_logits(model, lambda a, b: x[a:b], len(x), len(x))
    return side_by_side({p: (lambda p=p: once(p)) for p in ('float32', 'bfloat16')}, len(x), repeats)

def run_model(name:str, a) -> dict:
    model = load_model(name).eval(); kind = 'vit' if 'vit' in name else 'cnn'
    ds = SyntheticBench('test', n=a.images, seed=a.seed, version=2)
    tf = transform_for(model); xs = ds.tensors()[0]; x = (xs - tf.mean)/tf.std
    if kind == 'cnn': model = model.to(memory_format=torch.channels_last); x = x.contiguous(memory_format=torch.channels_last)
    out = dict(model=name, kind=kind, images=a.images, seed=a.seed)
    out['forward_s_per_image'] = forward_speed(model, x, a.repeats)
    with torch.no_grad(): t = model(x).argmax(-1)
    with torch.no_grad(), forward_precision('bfloat16'): tb = model(x).float().argmax(-1)
    out['argmax_changed'] = int((t != tb).sum())
    pair, runs, secs = PAIRS[kind], {}, {}
    for p in ('float32', 'bfloat16', 'float32', 'bfloat16'):   # twice each, alternating: the second run is timed
        t0 = time.perf_counter()
        runs[p] = evaluate(model, ds, list(pair), METRICS, batch_size=16, progress=False, precision=p,
                           channels_last=kind == 'cnn')
        secs[p] = (time.perf_counter() - t0)/a.images
    out['evaluate_s_per_image'] = secs                         # both methods' maps and the six metrics
    f, b = runs['float32'], runs['bfloat16']
    diff = (b[METRICS] - f[METRICS])
    out['metric_diff'] = {m: dict(max_abs=float(diff[m].abs().max()), mean_abs=float(diff[m].abs().mean()),
                                  mean=float(diff[m].mean()), changed=int((diff[m] != 0).sum()), rows=len(diff))
                          for m in METRICS}
    by_metric = {}
    for m in METRICS:                                          # method 1 - method 2, per image, in each precision
        row = {}
        for p, df in runs.items():
            r = paired(df[df.method == pair[0]][m].values, df[df.method == pair[1]][m].values, seed=0)
            row[p] = dict(mean=r['effect'], lo=float(r['low']), hi=float(r['high']))
        by_metric[m] = row
    out['paired'] = dict(methods=list(pair), by_metric=by_metric)
    xr, tr = x[:a.rise_images], t[:a.rise_images]
    s, rho = timed_maps(lambda p: explain(model, xr, 'rise', tr, n_masks=a.masks, precision=p), len(xr))
    out['rise'] = dict(images=a.rise_images, n_masks=a.masks, s_per_image=s, spearman_min=rho)
    if kind == 'cnn':
        xc, tc = x[:a.scorecam_images], t[:a.scorecam_images]
        s, rho = timed_maps(lambda p: explain(model, xc, 'scorecam', tc, precision=p, batch_size=64), len(xc))
        out['scorecam'] = dict(images=a.scorecam_images, s_per_image=s, spearman_min=rho)
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True); ap.add_argument('--images', type=int, default=64)
    ap.add_argument('--rise-images', type=int, default=8); ap.add_argument('--masks', type=int, default=1000)
    ap.add_argument('--scorecam-images', type=int, default=4); ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--seed', type=int, default=20261207)
    ap.add_argument('--models', nargs='+', default=['bench2_cnn', 'bench2_vgg', 'bench2_mobilenet', 'bench2_vit'])
    a = ap.parse_args()
    torch.set_num_threads(1)
    res = dict(machine=platform.processor() or platform.machine(), torch=torch.__version__, threads=1,
               load_before=os.getloadavg(), date=time.strftime('%Y-%m-%d'), models={})
    for name in a.models:
        t0 = time.time(); res['models'][name] = run_model(name, a)
        print(name, round(time.time() - t0), 's', flush=True)
    res['load_after'] = os.getloadavg()
    json.dump(res, open(a.out, 'w'), indent=1)
