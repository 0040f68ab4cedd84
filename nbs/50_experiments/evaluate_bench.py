"""Time one `evaluate` over the same images, methods and metrics, for the throughput comparison of `71_throughput`.

    python evaluate_bench.py --tree PATH --model bench2_cnn --images 16 --out result.json

`--tree` is a checkout whose `iia_nb` is imported (the commit before the faster evaluation, or this one), so the old
and the new code run the same work in separate processes, one torch thread each."""
import argparse, json, sys, time
p = argparse.ArgumentParser()
p.add_argument('--tree', required=True); p.add_argument('--model', required=True)
p.add_argument('--images', type=int, default=16); p.add_argument('--out', required=True)
p.add_argument('--table', action='store_true', help='time each method and metric group instead (this tree only)')
a = p.parse_args()
sys.path.insert(0, a.tree)
import torch
torch.set_num_threads(1)
import iia_nb
from iia_nb.experiments.evaluate import evaluate
from iia_nb.experiments.runner import CNN_METHODS, VIT_METHODS, CNN_OPTIONS, VIT_OPTIONS, V2_METRICS
from iia_nb.models.zoo import load_model
from iia_nb.data.bench import SyntheticBench
cnn = 'cnn' in a.model
methods, options = (CNN_METHODS, CNN_OPTIONS) if cnn else (VIT_METHODS, VIT_OPTIONS)
model = load_model(a.model).eval()
ds = SyntheticBench('test', n=a.images, seed=0, version=2)
if a.table:                       # where the time goes: seconds per image of each method, then of each metric group
    import copy, inspect
    from iia_nb.methods.registry import explain, method_info
    from iia_nb.metrics.registry import METRICS
    from iia_nb.data.images import transform_for
    tf = transform_for(model); xs, ys, ms = ds.tensors(); x = (xs - tf.mean)/tf.std; t = model(x).argmax(-1)
    fast = copy.deepcopy(model).to(memory_format=torch.channels_last) if cnn else model
    xf = x.contiguous(memory_format=torch.channels_last) if cnn else x
    rows, maps = [], {}
    for m in methods:
        o = dict(options.get(m, {})); info = method_info(m)
        t0 = time.perf_counter(); maps[m] = explain(model, x, m, t, **o); before = time.perf_counter() - t0
        if 'batch_size' in info.options and info.family not in ('iia', 'dix'): o.setdefault('batch_size', 32)
        t0 = time.perf_counter(); explain(fast, xf, m, t, **o); after = time.perf_counter() - t0
        rows.append(dict(what='method', name=m, before=before/len(x), after=after/len(x)))
    logits = model(x).detach()
    for g in {id(METRICS[k].fn): METRICS[k] for k in V2_METRICS + ['pos_fine']}.values():
        ctx = dict(batch_size=64, mean=tf.mean.flatten().tolist(), std=tf.std.flatten().tolist(), masks=ms, explain_fn=None)
        t0 = time.perf_counter(); g.fn(model, x, maps[methods[0]], t, ctx); before = time.perf_counter() - t0
        ctx.update(batch_size=32, logits=logits)
        t0 = time.perf_counter(); g.fn(fast, xf, maps[methods[0]], t, ctx); after = time.perf_counter() - t0
        rows.append(dict(what='metric', name='+'.join(g.columns[:4]), before=before/len(x), after=after/len(x)))
    json.dump(dict(model=a.model, images=a.images, rows=rows), open(a.out, 'w')); sys.exit(0)
t0 = time.perf_counter()
df = evaluate(model, ds, methods + ['random', 'mask'], V2_METRICS, method_options=options, progress=False)
seconds = time.perf_counter() - t0
json.dump(dict(tree=iia_nb.__file__, model=a.model, images=a.images, seconds=seconds, rows=df.to_dict('list')),
          open(a.out, 'w'))
print(f'{a.model}: {seconds:.1f} s for {a.images} images ({iia_nb.__file__})')
