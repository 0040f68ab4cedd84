#!/usr/bin/env python3
"""Render nbs/index.ipynb to README.md without Quarto (which cannot be installed on every machine).

Markdown cells are copied, code cells become ```python blocks with their text outputs below them (a markdown output,
e.g. `display(Markdown(table))`, is copied as markdown); cells marked `#| hide` are skipped and nbdev directive lines
are dropped; a cell marked `#| echo: false` shows its outputs without its code. `--check` exits 1 when README.md is out of date.
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def directives(src): return [l for l in src.splitlines() if l.startswith('#|')]

def text_outputs(cell):
    out = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream' and o.get('name') == 'stdout': out.append(''.join(o['text']))
        elif 'data' in o and 'text/markdown' in o['data']: continue
        elif 'data' in o and 'text/plain' in o['data'] and 'image/png' not in o['data']: out.append(''.join(o['data']['text/plain']))
    return ''.join(s if s.endswith('\n') else s + '\n' for s in out)

def render(nb_path=root/'nbs'/'index.ipynb') -> str:
    parts = []
    for cell in json.loads(nb_path.read_text())['cells']:
        src = ''.join(cell['source'])
        if any(d.replace(' ', '') in ('#|hide', '#|include:false') for d in directives(src)): continue
        if cell['cell_type'] == 'markdown': parts.append(src.strip().replace('](images/', '](nbs/images/') + '\n')
        elif cell['cell_type'] == 'code':
            code = '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
            echo = not any(d.replace(' ', '') == '#|echo:false' for d in directives(src))
            if code and echo: parts.append(f"```python\n{code}\n```\n")
            out = text_outputs(cell)
            if out.strip(): parts.append(f"```\n{out.rstrip()}\n```\n")
            parts += [''.join(o['data']['text/markdown']).strip() + '\n' for o in cell.get('outputs', []) if 'text/markdown' in o.get('data', {})]
    return '<!-- generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file -->\n\n' + '\n'.join(parts)

if __name__ == '__main__':
    text, readme = render(), root/'README.md'
    if '--check' in sys.argv:
        if not readme.exists() or readme.read_text() != text:
            sys.exit("README.md is out of date with nbs/index.ipynb: run `python .ci/readme.py`")
    else: readme.write_text(text)
