"""The evaluation's deletion curves against Quantus' `PixelFlipping` on identical curves, for `71_throughput`: the same
images, maps, pixel order, removal value and class probabilities; seconds per image, alternating, one torch thread.

    python quantus_bench.py --out ../results/quantus.json
    python quantus_bench.py --out /tmp/q.json --images 2 --repeats 1

Alignment. Quantus flattens the attributions broadcast to the image (C·H·W values, three per pixel) and removes
`features_in_step` of them per step, but asserts that the step divides H·W: at 112 px no step of whole pixels (a
multiple of 3) divides 12,544. So it steps by 784 values, and every third of its 48 points is a curve point at a
sixteenth of the pixels; the workbook's curve has those 15 points (1/16 ... 15/16). Maps with distinct values give
both the same pixel order; `perturb_baseline=0.0` is the workbook's removal value."""
import argparse, json, os, platform, time, warnings
import numpy as np, torch, quantus
from iia_nb.core import forward_precision
from iia_nb.experiments.crosscheck import side_by_side
from iia_nb.metrics.perturbation import perturbation_curves
from iia_nb.models.zoo import load_model
from iia_nb.data.bench import SyntheticBench
from iia_nb.data.images import transform_for

warnings.filterwarnings('ignore')
K = 16                                                    # curve points at k/16 of the pixels

def curves(name:str, a) -> list:
    model = load_model(name).eval(); tf = transform_for(model)
    x = (SyntheticBench('test', n=a.images, seed=a.seed, version=2).tensors()[0] - tf.mean)/tf.std
    with torch.no_grad(): t = model(x).argmax(-1)
    maps = torch.rand(len(x), *x.shape[-2:], generator=torch.Generator().manual_seed(0))   # distinct values
    step, fr = x.shape[-1]*x.shape[-2]//K, tuple(k/K for k in range(1, K))
    rows = []
    for order, sign in (('most salient first (DEL)', 1), ('least salient first', -1)):
        o = 'pos' if sign > 0 else 'neg'
        def ours(p='float32'):
            with forward_precision(p): return perturbation_curves(model, x, maps, t, o, fr, 0., ('prob',), 64)['prob']
        metric = quantus.PixelFlipping(features_in_step=step, perturb_baseline=0.0, normalise=False, abs=False,
                                       disable_warnings=True, return_aggregate=False)
        def theirs():
            return np.asarray(metric(model=model, x_batch=x.numpy(), y_batch=t.numpy(), a_batch=(maps if sign > 0 else 1 - maps)[:, None].numpy(),
                                     device='cpu', softmax=True, batch_size=64))
        q = theirs()[:, 2::3][:, :K - 1]                  # every third Quantus point: the workbook's 15
        gap, gap_bf16 = (float(np.abs(ours(p).numpy() - q).max()) for p in ('float32', 'bfloat16'))
        s = side_by_side({'ours': ours, 'ours_bf16': lambda: ours('bfloat16'), 'theirs': theirs}, len(x), a.repeats)
        rows.append(dict(model=name, order=order, images=len(x), points=K - 1, quantus_steps=int(np.ceil(3*K)),
                         max_abs_diff=gap, max_abs_diff_bf16=gap_bf16, ours_s=s['ours'], ours_bf16_s=s['ours_bf16'],
                         theirs_s=s['theirs'], speedup=s['theirs']/s['ours'], speedup_bf16=s['theirs']/s['ours_bf16']))
    return rows

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True); ap.add_argument('--images', type=int, default=16)
    ap.add_argument('--repeats', type=int, default=3); ap.add_argument('--seed', type=int, default=20261209)
    a = ap.parse_args()
    torch.set_num_threads(1)
    res = dict(machine=platform.processor() or platform.machine(), torch=torch.__version__, quantus=quantus.__version__,
               threads=1, load_before=os.getloadavg(), date=time.strftime('%Y-%m-%d'))
    res['rows'] = curves('bench2_cnn', a) + curves('bench2_vit', a)
    res['load_after'] = os.getloadavg()
    json.dump(res, open(a.out, 'w'), indent=1)
    for r in res['rows']: print(r['model'], r['order'], f"diff {r['max_abs_diff']:.1e} x{r['speedup']:.2f} bf16 x{r['speedup_bf16']:.2f}")
