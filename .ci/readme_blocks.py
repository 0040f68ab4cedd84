#!/usr/bin/env python3
"""Run every shell and Python block of README.md as written, as a reader on a fresh clone would.

Each ```sh line runs in bash and each ```python block as a script with the same interpreter, in a fresh temporary
folder (so that what they write stays out of the clone). The lines that CI runs in its own steps are not run twice:
`RUN_BY_CI` names each with the script that runs it, and this checker fails if that script no longer does.
"""
import re, subprocess, sys, tempfile, time
from pathlib import Path

root = Path(__file__).resolve().parent.parent

RUN_BY_CI = {                                    # a README line -> the CI script that runs it (as written or pinned)
    'pip install .': '.ci/bare.sh',
    'pip install ".[interop]"': '.ci/bare.sh',
    'pip install ".[explorer]"': '.ci/bare.sh',
    'pip install -e ".[dev]"': '.ci/run',
    'nbdev_test --n_workers 1': '.ci/run',
    'python .ci/docs.py --html _site': '.ci/run',
}

def blocks(text:str) -> list:
    "`(language, code)` of every fenced block whose language is sh or python."
    return [(m[1], m[2]) for m in re.finditer(r'^```(sh|python)\n(.*?)^```', text, re.S | re.M)]

def command(line:str) -> str: return line.split('  #')[0].strip()

def ran_by_ci(cmd:str) -> bool:
    if cmd not in RUN_BY_CI: return False
    script = (root/RUN_BY_CI[cmd]).read_text()
    words = cmd.replace('"', '').split()
    if cmd.startswith('nbdev_test'): ok = 'grep -m1 -E' in script and 'nbdev_test' in script   # read from README
    elif cmd.startswith('pip install'):                  # the same install, with the pinned versions
        target = words[-1]
        ok = any(target in re.split(r'[\s;]+', l.replace('"', '').replace("'", '')) and 'pip' in l and 'install' in l
                 for l in script.splitlines())
    else: ok = cmd in script
    if not ok: sys.exit(f"README's `{cmd}` is said to run in {RUN_BY_CI[cmd]}, which does not run it")
    return True

def run(lang:str, code:str, where:Path) -> None:
    if lang == 'sh':
        for line in code.splitlines():
            cmd = command(line)
            if not cmd or cmd.startswith('#'): continue
            if ran_by_ci(cmd): print(f'  (run by {RUN_BY_CI[cmd]}) {cmd}'); continue
            t = time.time(); r = subprocess.run(['bash', '-c', cmd], cwd=where, capture_output=True, text=True)
            print(f'  {time.time() - t:5.1f} s  {cmd}')
            if r.returncode: sys.exit(f"README's `{cmd}` failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
    else:
        script = where/'block.py'; script.write_text(code)
        t = time.time(); r = subprocess.run([sys.executable, str(script)], cwd=where, capture_output=True, text=True)
        print(f'  {time.time() - t:5.1f} s  python block: {code.splitlines()[0]} ...')
        if r.returncode: sys.exit(f"a Python block of README.md failed ({r.returncode}):\n{code}\n{r.stderr[-3000:]}")

if __name__ == '__main__':
    found = blocks((root/'README.md').read_text())
    if not found: sys.exit('README.md has no sh or python block')
    with tempfile.TemporaryDirectory() as d:
        for lang, code in found: run(lang, code, Path(d))
    print(f'README.md: {len(found)} blocks run as written')
