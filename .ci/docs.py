#!/usr/bin/env python3
"""The docs site without Quarto: run nbdev's processing (the step the docs workflow runs before Quarto) on every
notebook and report each, failing if any fails; with `--html DIR`, also render the processed notebooks to a
browsable offline HTML site that reads like the Quarto one (one page per notebook at its `output-file`, each with its
title and description, a navigation that follows the notebook folders, the API cells shown as `show_doc` renders
them, mathematics rendered by a local copy of KaTeX).

    python .ci/docs.py                 # the check CI runs
    python .ci/docs.py --html _site    # a local preview: open _site/index.html
    python .ci/docs.py --check-site _site --screenshot page.png   # open pages in headless Chromium and check them

KaTeX comes from the npm registry (`bash .ci/run` installs it): `npm install --prefix .cache/katex katex@0.19.1`, or
point `IIA_KATEX` at any KaTeX `dist` folder. nbdev's own `nbdev_proc_nbs` is not used: when Quarto is missing it
tries `sudo` and a `pip install` of the checkout.
"""
import argparse, html, json, os, re, shutil, sys, time
from pathlib import Path
import nbformat, yaml
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

def front_problems(nbs:Path) -> list:
    """Notebooks whose first markdown cell holds more than the title (`# ...`) and a one-line description (`> ...`):
    nbdev's front-matter step removes that whole cell from the docs, so anything else in it would be lost."""
    bad = []
    for p in notebooks(nbs):
        cells = [c for c in json.loads(p.read_text())['cells'] if c['cell_type'] == 'markdown']
        lines = [l for l in ''.join(cells[0]['source']).splitlines() if l.strip()] if cells else []
        ok = (len(lines) in (1, 2) and lines[0].startswith('# ') and all(l.startswith('> ') for l in lines[1:]))
        if not ok: bad.append(str(p.relative_to(nbs)))
    return bad

def first_prose(nb_path:Path) -> str:
    "The opening words of a notebook's first prose paragraph (after its title cell), up to the first markup."
    cells = [c for c in json.loads(nb_path.read_text())['cells'] if c['cell_type'] == 'markdown'][1:]
    for c in cells:
        for para in ''.join(c['source']).split('\n\n'):
            para = para.strip()
            if not para or para[0] in '#|!<`$-*>' or para.startswith('```'): continue
            words = re.split(r'[$`*\[\\_<|(]', para, maxsplit=1)[0].split()
            if len(words) >= 3: return ' '.join(words[:8])
    return ''

def prose_missing(nbs:Path, out:Path, pages:list) -> list:
    "Pages whose notebook's first prose paragraph does not appear in the page's text."
    missing = []
    for page in pages:
        src = nbs/page.source
        want = first_prose(src)
        text = ' '.join(html.unescape(re.sub(r'<[^>]+>', ' ', (out/page.path).read_text())).split())
        if want and want not in text: missing.append(f'{page.path}: {want!r}')
    return missing

# ---- the preview site -------------------------------------------------------------------------------------------

KATEX = Path(os.environ.get('IIA_KATEX', Path(__file__).resolve().parent.parent/'.cache/katex/node_modules/katex/dist'))

def front_matter(nb:dict) -> dict:
    "The Quarto front matter nbdev wrote as the first raw cell (`---\\nkey: value\\n---`), removed from `nb`."
    cells = nb['cells']
    if cells and cells[0]['cell_type'] == 'raw':
        m = re.match(r'\s*---\s*\n(.*?)\n---', ''.join(cells[0]['source']), re.S)
        if m: cells.pop(0); return yaml.safe_load(m.group(1)) or {}
    return {}

def folder_title(name:str) -> str:
    "'00_foundations' -> 'Foundations'."
    return re.sub(r'^\d+_', '', name).replace('_', ' ').capitalize()

class Page:
    "One notebook of the site: where its page goes, its title and description, its processed notebook."
    def __init__(self, proc:Path, nb_path:Path):
        self.nb = json.loads(nb_path.read_text())
        self.meta = front_matter(self.nb)
        rel = nb_path.relative_to(proc); self.source = rel
        self.folder = rel.parent.as_posix() if rel.parent != Path('.') else ''
        name = self.meta.get('output-file') or rel.with_suffix('.html').name
        self.path = (Path(self.folder)/name).as_posix() if self.folder else name
        self.title = self.meta.get('title') or rel.stem
        self.description = self.meta.get('description') or ''

def rel_link(frm:str, to:str) -> str:
    "The relative link from page `frm` to page `to` (both relative to the site's root)."
    return os.path.relpath(to, os.path.dirname(frm) or '.').replace(os.sep, '/')

_SOURCE = re.compile(r'\[source\]\(([^)\s]+)\)\{[^}]*\}')
_ATTRS = re.compile(r'(\]\([^)\s]*\))\{[^}]*\}')

def fix_markdown(text:str, page:Page, host:str) -> str:
    """Quarto-only markdown made plain: `[source](url){...}` as a floated link, other `{...}` attributes dropped,
    links into the published site made relative."""
    text = _SOURCE.sub(lambda m: f'<a class="source-link" href="{m.group(1)}" target="_blank">source</a>', text)
    text = _ATTRS.sub(r'\1', text)
    if host:
        def local(m):
            target, _, anchor = m.group(1).partition('#')
            return rel_link(page.path, target) + ('#' + anchor if anchor else '')
        text = re.sub(re.escape(host.rstrip('/') + '/') + r'([^)\s"#]*(?:#[^)\s"]*)?)', local, text)
    return text

_MD_LINK = re.compile(r'(?<!!)\[(`?)([^\]`\n]+)\1\]\(([^)\s]+)\)')

def html_links(text:str) -> str:
    """Markdown links (`[`name`](url)`, `[text](url)`) as `<a>`: `show_doc` puts them inside HTML (its tables and
    headings), where a markdown renderer leaves them raw."""
    def a(m): return f'<a href="{m[3]}">' + (f'<code>{html.escape(m[2])}</code>' if m[1] else html.escape(m[2])) + '</a>'
    return _MD_LINK.sub(a, text)

def raw_links(page_html:str) -> list:
    "Markdown links left raw in a page's text (outside code blocks)."
    body = re.sub(r'<(script|style|pre)\b.*?</\1>', ' ', page_html, flags=re.S)
    return re.findall(r'\[[^\]\n]{1,80}\]\([^)\s]{1,200}\)', html.unescape(re.sub(r'<[^>]+>', '', body)))

def prepare(page:Page, host:str) -> dict:
    "The notebook as the site shows it: `#| echo: false` inputs hidden, `#|` lines dropped, markdown made plain."
    for c in page.nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown': c['source'] = fix_markdown(src, page, host)
        if c['cell_type'] != 'code': continue
        lines = src.splitlines()
        dirs = {l[2:].strip().replace(' ', '') for l in lines if l.startswith('#|')}
        c['source'] = '\n'.join(l for l in lines if not l.startswith('#|'))
        if 'echo:false' in dirs: c.setdefault('metadata', {}).setdefault('tags', []).append('remove_input')
        for o in c.get('outputs', []):
            md = o.get('data', {}).get('text/markdown')
            if md is not None: o['data'] = {'text/markdown': html_links(fix_markdown(''.join(md), page, host))}
    return page.nb

def navigation(pages:list, here:Page) -> str:
    "The site's navigation: the top-level pages, then one section per notebook folder, in reading order."
    def item(p):
        cur = ' class="current"' if p is here else ''
        return f'<li><a{cur} href="{rel_link(here.path, p.path)}">{html.escape(p.title)}</a></li>'
    top = [p for p in pages if not p.folder]
    root = rel_link(here.path, 'index.html')[:-len('index.html')]
    out = [f'<nav class="site-nav" data-root="{root}"><div class="site-name"><a href="{root}index.html">iia_nb</a></div>',
           '<input id="site-search" type="search" placeholder="Search" autocomplete="off"><ul id="search-results"></ul>',
           '<ul>' + ''.join(item(p) for p in top) + '</ul>']
    for folder in dict.fromkeys(p.folder for p in pages if p.folder):
        out.append(f'<div class="section">{html.escape(folder_title(folder))}</div><ul>'
                   + ''.join(item(p) for p in pages if p.folder == folder) + '</ul>')
    return '\n'.join(out) + '</nav>'

def contents(pages:list, here:Page) -> str:
    "The home page's table of contents: every page with its description, by folder."
    out = ['<h2 id="contents">Contents</h2>']
    for folder in dict.fromkeys(p.folder for p in pages if p.folder):
        out.append(f'<h3>{html.escape(folder_title(folder))}</h3><dl class="contents">')
        for p in (p for p in pages if p.folder == folder):
            out.append(f'<dt><a href="{rel_link(here.path, p.path)}">{html.escape(p.title)}</a></dt>'
                       f'<dd>{inline_code(p.description)}</dd>')
        out.append('</dl>')
    return '\n'.join(out)

CSS = """
body { margin: 0; }
.site-nav { position: fixed; top: 0; left: 0; bottom: 0; width: 250px; overflow-y: auto; padding: 16px 12px;
  box-sizing: border-box; background: #f7f7f9; border-right: 1px solid #ddd; font: 14px/1.4 system-ui, sans-serif; }
.site-nav ul { list-style: none; margin: 0 0 10px 0; padding: 0; }
.site-nav li a { display: block; padding: 3px 8px; color: #333; text-decoration: none; border-radius: 4px; }
.site-nav li a:hover { background: #e8e8ee; }
.site-nav li a.current { background: #2780e3; color: white; }
.site-nav .section { margin: 12px 0 4px 0; font-weight: 600; color: #555; text-transform: uppercase; font-size: 12px; }
.site-nav .site-name a { font-size: 20px; font-weight: 700; color: #2780e3; text-decoration: none; }
.site-page { margin-left: 250px; }
.site-page > header { padding: 24px 32px 0 32px; font-family: system-ui, sans-serif; }
.site-page > header h1 { margin: 0 0 6px 0; font-size: 2.2em; }
.site-page > header p.description { margin: 0 0 12px 0; color: #555; font-size: 1.1em; }
.jp-Notebook { padding-top: 0 !important; }
a.source-link { float: right; font-size: smaller; }
.jp-RenderedMarkdown pre { background: #f4f5f7; padding: 8px 12px; border-radius: 4px; }
dl.contents dt { margin-top: 8px; font-weight: 600; } dl.contents dd { margin-left: 16px; color: #555; }
.home-contents { padding: 0 32px 32px 32px; font-family: system-ui, sans-serif; }
#site-search { width: 100%; box-sizing: border-box; margin: 10px 0 4px 0; padding: 4px 8px; font-size: 14px; }
#search-results { background: white; border: 1px solid #ddd; border-radius: 4px; }
#search-results:empty { display: none; } #search-results li a small { display: block; color: #777; }
.page-toc { position: fixed; top: 0; right: 0; width: 210px; max-height: 100vh; overflow-y: auto; padding: 20px 12px;
  box-sizing: border-box; font: 13px/1.35 system-ui, sans-serif; border-left: 1px solid #eee; background: white; }
.page-toc .toc-title { font-weight: 600; margin-bottom: 6px; color: #555; }
.page-toc a { display: block; color: #2780e3; text-decoration: none; padding: 2px 0; }
.page-toc a.h3 { padding-left: 12px; }
.site-page.with-toc { margin-right: 210px; }
"""

SITE_JS = """<script>document.addEventListener("DOMContentLoaded", function () {
  var page = document.querySelector(".site-page"), nav = document.querySelector(".site-nav");
  var heads = page.querySelectorAll(".jp-RenderedMarkdown h2, .jp-RenderedMarkdown h3");
  if (heads.length) {                                   /* the page's own contents */
    var toc = document.createElement("aside"); toc.className = "page-toc";
    toc.innerHTML = '<div class="toc-title">On this page</div>';
    heads.forEach(function (h, i) {
      if (!h.id) h.id = "section-" + i;
      var a = document.createElement("a"); a.href = "#" + h.id; a.className = h.tagName.toLowerCase();
      a.textContent = h.textContent.replace(/\u00b6$/, "").trim(); toc.appendChild(a);
    });
    document.body.appendChild(toc); page.classList.add("with-toc");
  }
  var box = document.getElementById("site-search"), list = document.getElementById("search-results");
  var root = nav.getAttribute("data-root");
  box.addEventListener("input", function () {           /* every word of the query, in a page's title or text */
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean); list.innerHTML = "";
    if (!words.length || !window.SEARCH_INDEX) return;
    window.SEARCH_INDEX.filter(function (p) {
      var t = (p.title + " " + p.description + " " + p.text).toLowerCase();
      return words.every(function (w) { return t.indexOf(w) >= 0; });
    }).map(function (p) {                               /* pages whose title holds the words first */
      var t = p.title.toLowerCase(); return [words.every(function (w) { return t.indexOf(w) >= 0; }) ? 0 : 1, p];
    }).sort(function (a, b) { return a[0] - b[0]; }).map(function (e) { return e[1]; }).slice(0, 12).forEach(function (p) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = root + p.path; a.textContent = p.title;
      var s = document.createElement("small"); s.textContent = p.description; a.appendChild(s);
      li.appendChild(a); list.appendChild(li);
    });
  });
});</script>"""

def search_entry(page:Page) -> dict:
    "A page in the search index: its title, description, path and the plain text of its markdown."
    text = ' '.join(''.join(c['source']) for c in page.nb['cells'] if c['cell_type'] == 'markdown')
    text = re.sub(r'[`*#>$\\{}]|<[^>]+>|\]\([^)]*\)', ' ', text)
    return dict(title=page.title, description=page.description, path=page.path, text=' '.join(text.split()))

KATEX_JS = """<script>document.addEventListener("DOMContentLoaded", function () {
  renderMathInElement(document.querySelector(".site-page"), {delimiters: [
    {left: "$$", right: "$$", display: true}, {left: "\\\\[", right: "\\\\]", display: true},
    {left: "$", right: "$", display: false}, {left: "\\\\(", right: "\\\\)", display: false}],
    throwOnError: false});
});</script>"""

def inline_code(text:str) -> str:
    "Plain text with its `code` spans as <code> (descriptions are markdown)."
    return re.sub(r'`([^`]+)`', r'<code>\1</code>', html.escape(text))

def head_extra(page:Page) -> str:
    k = rel_link(page.path, '_katex')
    return (f'<link rel="stylesheet" href="{k}/katex.min.css"><script defer src="{k}/katex.min.js"></script>'
            f'<script defer src="{k}/contrib/auto-render.min.js"></script>{KATEX_JS}<style>{CSS}</style>'
            f'<script src="{rel_link(page.path, "search.js")}"></script>{SITE_JS}')

def wrap(body:str, page:Page, pages:list) -> str:
    "The exported page with the site's head, navigation, title and description (and no CDN MathJax)."
    body = re.sub(r'<script[^>]*mathjax[^>]*>\s*</script>', '', body, flags=re.I)
    body = re.sub(r'<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->', '', body, flags=re.S)
    body = re.sub(r'<script type="text/x-mathjax-config">.*?</script>', '', body, flags=re.S)
    body = re.sub(r'<title>.*?</title>', f'<title>{html.escape(page.title)} – iia_nb</title>', body, count=1, flags=re.S)
    body = body.replace('</head>', head_extra(page) + '</head>', 1)
    header = f'<header><h1 class="title">{html.escape(page.title)}</h1>' + (
        f'<p class="description">{inline_code(page.description)}</p>' if page.description else '') + '</header>'
    home = f'<div class="home-contents">{contents(pages, page)}</div>' if page.path == 'index.html' else ''
    start = re.search(r'<body[^>]*>', body)
    i, j = start.end(), body.rindex('</body>')
    return body[:i] + navigation(pages, page) + '<div class="site-page">' + header + body[i:j] + home + '</div>' + body[j:]

def site(proc:Path, out:Path) -> list:
    "Render the processed notebooks in `proc` to HTML pages in `out`, with KaTeX; the pages written."
    from nbconvert import HTMLExporter                       # optional: only the preview needs it
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config
    cfg = Config(); cfg.TagRemovePreprocessor.remove_input_tags = {'remove_input'}; cfg.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(template_name='lab', config=cfg, exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(config=cfg), enabled=True)
    c = get_config(); host = f"{c.doc_host.rstrip('/')}/{c.doc_baseurl.strip('/')}/" if c.get('doc_host') else ''
    ordered = notebooks(proc)
    ordered = [p for p in ordered if p.name == 'index.ipynb'] + [p for p in ordered if p.name != 'index.ipynb']
    pages = [Page(proc, p) for p in ordered]
    written, index = [], []
    for page in pages:
        index.append(search_entry(page))
        nb = nbformat.from_dict(prepare(page, host))
        body, _ = exporter.from_notebook_node(nb)
        dst = out/page.path; dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(wrap(body, page, pages)); written.append(dst)
    for images in get_config().nbs_path.rglob('images'):          # the figures the notebooks link to, relative
        if images.is_dir() and not any(s[0] in '._' for s in images.relative_to(get_config().nbs_path).parts):
            shutil.copytree(images, out/images.relative_to(get_config().nbs_path), dirs_exist_ok=True)
    if (KATEX/'katex.min.js').exists():
        shutil.copytree(KATEX, out/'_katex', dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns('*.mjs', 'katex.js', 'katex.css', '*.md', '*.ttf', '*.woff'))
    else: print(f"warning: no KaTeX at {KATEX} (npm install --prefix .cache/katex katex@0.19.1): mathematics unrendered")
    (out/'search.js').write_text('window.SEARCH_INDEX = ' + json.dumps(index) + ';\n')
    raw = {p.path: r[:3] for p in pages if (r := raw_links((out/p.path).read_text()))}
    if raw: raise SystemExit(f"pages with markdown links left raw: {raw}")
    missing = prose_missing(get_config().nbs_path, out, pages)
    if missing: raise SystemExit(f"pages that lost their notebook's opening paragraph: {missing}")
    return written

# ---- checking the site in a browser -----------------------------------------------------------------------------

def check_site(out:Path, shot:Path|None=None, page:str='10_methods/iia.html', home_shot:Path|None=None) -> dict:
    "Open pages of the site in headless Chromium (Selenium): rendered maths, title, navigation, no Quarto syntax."
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    opts = webdriver.ChromeOptions(); opts.binary_location = '/usr/bin/chromium'
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1200,900',
              '--allow-file-access-from-files'):
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)
    found = {}
    try:
        for p in [page, 'index.html']:
            d.get((out/p).resolve().as_uri()); time.sleep(1.5)
            text = d.find_element(By.CSS_SELECTOR, '.site-page').text
            found[p] = dict(title=d.find_element(By.CSS_SELECTOR, 'h1.title').text,
                            nav=len(d.find_elements(By.CSS_SELECTOR, '.site-nav a')),
                            katex=len(d.find_elements(By.CSS_SELECTOR, '.katex')),
                            toc=len(d.find_elements(By.CSS_SELECTOR, '.page-toc a')),
                            quarto=[s for s in ('{target=', 'output-file:', '$$', 'In [') if s in text])
            if p == page and shot: d.save_screenshot(str(shot))
            if p == 'index.html' and home_shot: d.save_screenshot(str(home_shot))
        d.get((out/page).resolve().as_uri()); time.sleep(1)           # the search, as a reader types it
        d.find_element(By.ID, 'site-search').send_keys('iterated integrated'); time.sleep(0.5)
        hits = d.find_elements(By.CSS_SELECTOR, '#search-results a')
        found['search'] = dict(hits=len(hits), first=hits[0].text.split('\n')[0] if hits else '')
        if hits:
            hits[0].click(); time.sleep(1); found['search']['opened'] = d.find_element(By.CSS_SELECTOR, 'h1.title').text
    finally: d.quit()
    bad = [p for p, f in found.items() if p != 'search' and (not f['title'] or f['nav'] < 10 or f['quarto'])]
    if found[page]['toc'] < 3: bad.append(f'{page}: no contents of its own')
    if not found['search']['hits'] or found['search'].get('opened') != found['search']['first']:
        bad.append(f"the search for 'iterated integrated' found nothing or opened another page: {found['search']}")
    if not found[page]['katex']: bad.append(f'{page}: no rendered mathematics')
    if bad: raise SystemExit(f"preview check failed: {bad}: {found}")
    return found

if __name__ == '__main__':
    a = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    a.add_argument('--html', metavar='DIR', help='also write a browsable HTML site here')
    a.add_argument('--check-site', metavar='DIR', help='only open the site in DIR in headless Chromium and check it')
    a.add_argument('--screenshot', metavar='PNG', help='with --check-site: save a screenshot of a page here')
    args = a.parse_args()
    if args.check_site:
        print(check_site(Path(args.check_site), Path(args.screenshot) if args.screenshot else None)); sys.exit(0)
    cfg = get_config(); proc = cfg.config_path/'_proc'
    bad = front_problems(cfg.nbs_path)
    if bad: sys.exit(f"first markdown cells that hold more than a title and a one-line description (the docs drop "
                     f"that cell): {bad}; put the rest in a cell of its own")
    fails = process(cfg.nbs_path, proc)
    print(f"{len(notebooks(cfg.nbs_path)) - len(fails)} passed, {len(fails)} failed (docs processing)")
    if args.html and not fails: print(f"wrote {len(site(proc, Path(args.html)))} pages in {args.html} (home: index.html)")
    sys.exit(1 if fails else 0)
