#!/usr/bin/env bash
# The bare install, as a user without extras has it: `pip install .` in a clean virtual environment, then the public
# imports, `explain` on a bundled model, the optional parts' messages and the `iia-explain` command, from a folder
# outside the repository (so that the installed package, not the source tree, is imported).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD; bare=${IIA_CI_BARE:-$root/.ci-bare}
python3 -m venv "$bare"
log=$root/.ci-bare.log
{ "$bare/bin/python" -m pip install -q --upgrade pip && "$bare/bin/pip" install -q -c .ci/constraints.txt .; } > "$log" 2>&1 \
  || { tail -30 "$log"; echo "the bare install (pip install .) failed: see $log"; exit 1; }
work=$(mktemp -d); cd "$work"
"$bare/bin/python" - <<'PY'
import torch, iia_nb
from iia_nb import explain, load_model, sample_images, transform_for, methods, evaluate, explore
m = load_model('bench_cnn'); x = torch.randn(2, 3, 64, 64)
assert explain(m, x, 'iia3', n=2).shape == (2, 64, 64)
assert 'site-packages' in iia_nb.__file__, iia_nb.__file__      # the installed package, not the source tree
try: import iia_nb.interop
except ImportError as e: assert "pip install 'iia_nb[interop]'" in str(e), e
else: raise SystemExit("the bare install imports iia_nb.interop, but captum is only in the [interop] extra")
try: explore(m, torch.rand(1, 3, 64, 64))
except ImportError as e: assert "pip install 'iia_nb[explorer]'" in str(e), e
else: raise SystemExit("explore ran without ipywidgets, which is only in the [explorer] extra")
print('bare install: public imports, explain, and the extras named on import')
PY
"$bare/bin/iia-explain" --methods iia3,ig --n 4 --out bare.png > iia-explain.log
test -s bare.png || { cat iia-explain.log; echo "iia-explain wrote no figure in the bare install"; exit 1; }
echo "bare install: iia-explain wrote $(stat -c %s bare.png) bytes ($(stat -c %a bare.png))"

# the extras as the README installs them, into the same environment: the adapters and the explorer then import
cd "$root"
{ "$bare/bin/pip" install -q -c .ci/constraints.txt ".[interop]" && "$bare/bin/pip" install -q -c .ci/constraints.txt ".[explorer]"; } \
  >> "$log" 2>&1 || { tail -30 "$log"; echo "pip install '.[interop]' or '.[explorer]' failed: see $log"; exit 1; }
cd "$work"
"$bare/bin/python" -c "
import torch, iia_nb.interop, ipywidgets
from iia_nb import explore, load_model
explore(load_model('bench_cnn'), torch.rand(1, 3, 64, 64)); print('extras: iia_nb.interop and explore import and run')"
