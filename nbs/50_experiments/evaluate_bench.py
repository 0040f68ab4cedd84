"""Time one `evaluate` over the same images, methods and metrics, for the throughput comparison of `71_throughput`.

    python evaluate_bench.py --tree PATH --model bench2_cnn --images 16 --out result.json

`--tree` is a checkout whose `iia_nb` is imported (the commit before the faster evaluation, or this one), so the old
and the new code run the same work in separate processes, one torch thread each."""
import argparse, json, sys, time
p = argparse.ArgumentParser()
p.add_argument('--tree', required=True); p.add_argument('--model', required=True)
p.add_argument('--images', type=int, default=16); p.add_argument('--out', required=True)
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
t0 = time.perf_counter()
df = evaluate(model, ds, methods + ['random', 'mask'], V2_METRICS, method_options=options, progress=False)
seconds = time.perf_counter() - t0
json.dump(dict(tree=iia_nb.__file__, model=a.model, images=a.images, seconds=seconds, rows=df.to_dict('list')),
          open(a.out, 'w'))
print(f'{a.model}: {seconds:.1f} s for {a.images} images ({iia_nb.__file__})')
