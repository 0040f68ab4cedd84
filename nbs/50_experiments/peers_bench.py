"""Every method against its peer on the same inputs, for the side-by-side tables of `57_speed`: seconds per image
(ours and theirs alternating, medians of `--repeats` rounds after a warm-up) and the agreement of the two maps.

    python peers_bench.py --out ../results/peers.json                 # 8 version-2 images, one torch thread
    python peers_bench.py --out /tmp/peers.json --images 2 --repeats 1 --masks 64 --rise-images 1

Peers: Captum (IG), PAIR saliency (Guided IG, Blur IG), pytorch-grad-cam (the CAM family, Score-CAM, Ablation-CAM,
FullGrad), a reference RISE written from the paper's algorithm (below), and the IIA authors' released code path
(`iia_released`, a different estimator: its maps are not IIA's). Run on a quiet machine: the load is recorded."""
import argparse, contextlib, io, json, os, platform, time, warnings
from importlib.metadata import version
from unittest import mock
import numpy as np, torch
import saliency.core as saliency
from captum.attr import IntegratedGradients
from pytorch_grad_cam import GradCAM, GradCAMPlusPlus, XGradCAM, LayerCAM, FullGrad, AblationCAM, ScoreCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from iia_nb.experiments.crosscheck import side_by_side, map_agreement
from iia_nb.methods.registry import explain
from iia_nb.methods.rise import rise_masks
from iia_nb.models.zoo import load_model
from iia_nb.data.bench import SyntheticBench
from iia_nb.data.images import transform_for

warnings.filterwarnings('ignore')
GC, CA, PAIR = (f"pytorch-grad-cam {version('grad-cam')}", f"captum {version('captum')}",
                f"PAIR saliency {version('saliency')}")

def grad_cam_lib(Lib, model, x, t, layers, **kw):
    "A pytorch-grad-cam method's maps `[B,H,W]` for classes `t` (no progress bars)."
    with Lib(model=model, target_layers=layers, **kw) as lib, contextlib.redirect_stderr(io.StringIO()):
        if Lib in (ScoreCAM, AblationCAM): lib.batch_size = 64
        return torch.as_tensor(lib(input_tensor=x, targets=[ClassifierOutputTarget(int(c)) for c in t]))

def pair_maps(Method, model, x, t, **kw):
    "PAIR `Method`'s masks one image at a time (its interface), as channel-mean maps `[B,H,W]`."
    def call(xs, call_model_args=None, expected_keys=None):
        v = torch.tensor(np.asarray(xs), dtype=torch.float32).permute(0, 3, 1, 2).contiguous().requires_grad_()
        g, = torch.autograd.grad(model(v)[:, call_model_args['class']].sum(), v)
        return {saliency.INPUT_OUTPUT_GRADIENTS: g.permute(0, 2, 3, 1).numpy()}
    quantile = np.quantile                  # PAIR 0.2.1 passes `interpolation=`, which NumPy 2 names `method=`
    with mock.patch.object(np, 'quantile', lambda a, q, interpolation='linear', **k: quantile(a, q, method=interpolation, **k)):
        out = [Method().GetMask(xi.permute(1, 2, 0).numpy(), call, {'class': int(ti)}, **kw) for xi, ti in zip(x, t)]
    return torch.as_tensor(np.stack(out)).mean(-1)

def reference_rise(model, x, t, masks, p=0.5, rows=64):
    """RISE as the paper writes it (Petsiuk et al. 2018, Eq. 6): S = Σ_i P(t | x ∘ M_i) M_i / (N p), image by image,
    `rows` masked copies per forward pass."""
    out = []
    with torch.no_grad():
        for xi, ti in zip(x, t):
            probs = torch.cat([model(xi[None]*m[:, None]).softmax(-1)[:, ti] for m in masks.split(rows)])
            out.append(torch.einsum('n,nhw->hw', probs, masks)/(len(masks)*p))
    return torch.stack(out)

def row(method, peer, setting, ours, theirs, images, repeats, warmup=1):
    "Time `ours` and `theirs` alternating; compare the maps of their last timed calls."
    last = {}
    def keep(k, f): last[k] = f()
    s = side_by_side({'ours': lambda: keep('ours', ours), 'theirs': lambda: keep('theirs', theirs)}, images, repeats, warmup)
    agree = map_agreement(last['ours'], last['theirs'])
    return dict(method=method, peer=peer, setting=setting, ours_s=s['ours'], theirs_s=s['theirs'],
                ratio=s['ours']/s['theirs'], **agree)

def cnn_rows(a) -> list:
    model = load_model('bench2_cnn').eval(); tf = transform_for(model)
    x = (SyntheticBench('test', n=a.images, seed=a.seed, version=2).tensors()[0] - tf.mean)/tf.std
    with torch.no_grad(): t = model(x).argmax(-1)
    L, n, B, R = [model.stages[-1]], a.n, len(x), a.repeats
    ours = lambda name, **kw: (lambda: explain(model, x, name, target=t, **kw).detach())
    out = [row('ig', CA + ' IntegratedGradients', f'n={n}, right Riemann sum, 64 rows per pass',
               ours('ig', n=n, batch_size=64),
               lambda: IntegratedGradients(model).attribute(x, baselines=0., target=t, n_steps=n, method='riemann_right',
                                                            internal_batch_size=64).detach().mean(1), B, R)]
    for name, Lib in [('gradcam', GradCAM), ('gradcam++', GradCAMPlusPlus), ('xgradcam', XGradCAM), ('layercam', LayerCAM)]:
        out.append(row(name, f'{GC} {Lib.__name__}', 'stage L', ours(name), lambda Lib=Lib: grad_cam_lib(Lib, model, x, t, L),
                       B, R))
    out.append(row('scorecam', f'{GC} ScoreCAM', "stage L (256 channels), score='logit', 64 rows per pass",
                   ours('scorecam', score='logit', batch_size=64), lambda: grad_cam_lib(ScoreCAM, model, x, t, L), B, R, 0))
    out.append(row('ablationcam', f'{GC} AblationCAM', 'stage L (256 channels), 64 rows per pass',
                   ours('ablationcam', batch_size=64), lambda: grad_cam_lib(AblationCAM, model, x, t, L), B, R, 0))
    out.append(row('fullgrad', f'{GC} FullGrad', 'every bias (ours: BatchNorm terms too)', ours('fullgrad'),
                   lambda: grad_cam_lib(FullGrad, model, x, t, []), B, R))
    out.append(row('guided_ig', PAIR + ' GuidedIG', f'n={a.guided}, one image at a time on their side',
                   ours('guided_ig', n=a.guided), lambda: pair_maps(saliency.GuidedIG, model, x, t, x_steps=a.guided,
                                                                  fraction=.25, max_dist=.02), B, R, 0))
    out.append(row('blur_ig', PAIR + ' BlurIG', f'n={a.guided}, one image at a time on their side',
                   ours('blur_ig', n=a.guided), lambda: pair_maps(saliency.BlurIG, model, x, t, steps=a.guided,
                                                                max_sigma=50., grad_step=.01), B, R, 0))
    xr, tr = x[:a.rise_images], t[:a.rise_images]
    masks = rise_masks(a.masks, x.shape[-2:], seed=0)
    out.append(row('rise', 'RISE as the paper writes it (reference_rise)', f'{a.masks} masks, the same masks',
                   lambda: explain(model, xr, 'rise', target=tr, n_masks=a.masks, seed=0, batch_size=64),
                   lambda: reference_rise(model, xr, tr, masks), len(xr), 1, 0))
    out.append(row('iia2', 'the released IIA code path (iia_released)', 'n=10 (different estimators)',
                   ours('iia2', n=10), ours('iia_released', n=10), B, R))
    for r in out: r['model'] = 'bench2_cnn'
    return out

def vit_rows(a) -> list:
    model = load_model('bench2_vit').eval(); tf = transform_for(model)
    x = (SyntheticBench('test', n=a.images, seed=a.seed, version=2).tensors()[0] - tf.mean)/tf.std
    with torch.no_grad(): t = model(x).argmax(-1)
    r = row('ig', CA + ' IntegratedGradients', f'n={a.n}, right Riemann sum, 64 rows per pass',
            lambda: explain(model, x, 'ig', target=t, n=a.n, batch_size=64).detach(),
            lambda: IntegratedGradients(model).attribute(x, baselines=0., target=t, n_steps=a.n, method='riemann_right',
                                                         internal_batch_size=64).detach().mean(1), len(x), a.repeats)
    return [dict(r, model='bench2_vit')]

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True); ap.add_argument('--images', type=int, default=8)
    ap.add_argument('--repeats', type=int, default=3); ap.add_argument('--n', type=int, default=20)
    ap.add_argument('--guided', type=int, default=16); ap.add_argument('--masks', type=int, default=4000)
    ap.add_argument('--rise-images', type=int, default=2); ap.add_argument('--seed', type=int, default=20261208)
    a = ap.parse_args()
    torch.set_num_threads(1)
    res = dict(machine=platform.processor() or platform.machine(), torch=torch.__version__, threads=1,
               load_before=os.getloadavg(), date=time.strftime('%Y-%m-%d'), images=a.images, seed=a.seed)
    t0 = time.time(); res['rows'] = cnn_rows(a) + vit_rows(a)
    res['load_after'], res['seconds'] = os.getloadavg(), round(time.time() - t0)
    json.dump(res, open(a.out, 'w'), indent=1)
    for r in res['rows']:
        print(f"{r['model']:11s} {r['method']:11s} ours {r['ours_s']:.4f} theirs {r['theirs_s']:.4f} "
              f"ratio {r['ratio']:.2f} rho {r['spearman_min']:.4f}")
