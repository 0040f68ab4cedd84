#!/usr/bin/env python3
"""Execute notebooks in place and store their outputs (what a reader sees on GitHub and in the docs), skipping the
cells flagged `slow`, `cuda` or `imagenet` as `nbdev_test` does (their stored outputs are kept), with IN_TEST set,
so the outputs are those of the default test sizes. Run `nbdev_clean` afterwards.

    python .ci/execute.py nbs/10_methods/12_dix.ipynb [more notebooks]
    python .ci/execute.py --flags slow nbs/50_experiments/57_speed.ipynb    # also run (and store) the slow cells
"""
import os, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

FLAGS = {'slow', 'cuda', 'imagenet', 'browser'}

def directives(cell) -> set:
    "The words of a cell's `#|` lines (`#| slow` gives {'slow'}, `#| eval: false` gives {'eval:', 'false'})."
    return {w for l in cell.source.splitlines() if l.startswith('#|') for w in l[2:].split()}

def skip(cell) -> bool:
    "Cells `nbdev_test` would not run by default (nor with the `--flags` given)."
    if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
    d = directives(cell)
    return {'eval:', 'false'} <= d or bool(FLAGS & d)

def execute(path:Path):
    nb = read_nb(path); keep = {id(c): c.get('outputs', []) for c in nb.cells if c.cell_type == 'code' and skip(c)}
    cwd = os.getcwd(); os.chdir(path.parent)
    try: CaptureShell(path).run_all(nb, exc_stop=True, preproc=skip)
    finally: os.chdir(cwd)
    for c in nb.cells:
        if id(c) in keep: c['outputs'] = keep[id(c)]
        elif c.cell_type == 'code':                     # a console's tqdm warning is noise on a page
            c['outputs'] = [o for o in c.get('outputs', []) if 'IProgress not found' not in ''.join(o.get('text', ''))]
    write_nb(nb, path)

if __name__ == '__main__':
    os.environ['IN_TEST'] = '1'
    args = sys.argv[1:]
    if args[:1] == ['--flags']: FLAGS -= set(args[1].split(',')); args = args[2:]
    for p in args:
        start = time.time(); execute(Path(p).resolve()); print(f"{time.time() - start:6.1f} s  {p}")
