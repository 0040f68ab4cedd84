#!/usr/bin/env python3
"""The docs site without Quarto: run nbdev's processing (the step the docs workflow runs before Quarto) on every
notebook and report each, failing if any fails; with `--html DIR`, also render the processed notebooks to a
browsable HTML site (one page per notebook and an index page).

    python .ci/docs.py                 # the check CI runs
    python .ci/docs.py --html _site    # a local preview: open _site/index.html

nbdev's own `nbdev_proc_nbs` is not used: when Quarto is missing it tries `sudo` and a `pip install` of the checkout.
"""
import argparse, html, sys, time
from pathlib import Path
import nbdev.serve_drv
from nbdev.config import get_config
from nbdev.processors import FilterDefaults

def notebooks(nbs:Path) -> list:
    return [p for p in sorted(nbs.rglob('*.ipynb')) if not any(s[0] in '._' for s in p.relative_to(nbs).parts)]

def process(nbs:Path, out:Path) -> list:
    "Process each notebook into `out`; the notebooks that failed."
    fails = []
    for src in notebooks(nbs):
        dst = out/src.relative_to(nbs); dst.parent.mkdir(parents=True, exist_ok=True); start = time.time()
        try: nbdev.serve_drv.main((src, dst, FilterDefaults))
        except Exception as e:
            fails.append(src); print(f"FAIL {src.relative_to(nbs)}: {type(e).__name__}: {' '.join(str(e).split())[:400]}")
        else: print(f"ok   {time.time() - start:5.1f} s  {src.relative_to(nbs)}")
    return fails

def site(proc:Path, out:Path) -> list:
    "Render the processed notebooks in `proc` to HTML pages in `out`, with an index page; the pages written."
    from nbconvert import HTMLExporter                       # optional: only the preview needs it
    exporter, pages = HTMLExporter(template_name='lab'), []
    for nb in notebooks(proc):
        rel = nb.relative_to(proc).with_suffix('.html')
        page = out/('readme.html' if rel == Path('index.html') else rel)      # index.html is the site's own page
        page.parent.mkdir(parents=True, exist_ok=True)
        body, _ = exporter.from_filename(str(nb)); page.write_text(body); pages.append(page)
    links = '\n'.join(f'<li><a href="{p.relative_to(out)}">{html.escape(str(p.relative_to(out).with_suffix("")))}'
                      f'</a></li>' for p in pages)
    (out/'index.html').write_text(f'<html><head><meta charset="utf-8"><title>iia_nb</title></head><body>'
                                  f'<h1>iia_nb notebooks</h1><ul>{links}</ul></body></html>')
    return pages

if __name__ == '__main__':
    a = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    a.add_argument('--html', metavar='DIR', help='also write a browsable HTML site here')
    args = a.parse_args()
    cfg = get_config(); proc = cfg.config_path/'_proc'
    fails = process(cfg.nbs_path, proc)
    print(f"{len(notebooks(cfg.nbs_path)) - len(fails)} passed, {len(fails)} failed (docs processing)")
    if args.html and not fails: print(f"wrote {len(site(proc, Path(args.html)))} pages and {Path(args.html)/'index.html'}")
    sys.exit(1 if fails else 0)
