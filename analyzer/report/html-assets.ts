// The HTML report's inline stylesheet and script. Neither holds bundle data: the script reads the
// page's own data-* attributes, so no bundle string is ever inside <script>. The page's
// Content-Security-Policy allows exactly these two blocks (by hash) and no network at all.

export const CSS = `
:root{--fg:#1c1e21;--muted:#5f6368;--bg:#fff;--panel:#f6f8fa;--line:#d0d7de;--fail:#c62828;--warn:#a15c00;
--unknown:#00709e;--pass:#2e7d32;--hit:#fff3b0;--target:#ffd54f;--link:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9aa4ae;--bg:#0d1117;--panel:#161b22;--line:#30363d;
--fail:#ff7b72;--warn:#e3b341;--unknown:#79c0ff;--pass:#7ee787;--hit:#3d3200;--target:#6b4f00;--link:#79c0ff}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:12px 16px 48px}
a{color:var(--link)}
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.25em;margin:1.4em 0 .5em;border-bottom:1px solid var(--line)}
h3{font-size:1.05em;margin:.6em 0}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{overflow-wrap:anywhere}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 8px;overflow-x:auto;margin:.3em 0}
.meta{color:var(--muted);font-weight:normal;font-size:.9em;margin-left:.5em}
.banner{border:2px solid var(--fail);border-radius:6px;padding:8px 12px;margin:8px 0;font-weight:600}
.note{color:var(--muted)}
dl.head{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:.5em 0}
dl.head dt{color:var(--muted)}dl.head dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;
vertical-align:top}
.stack td.n{text-align:right;width:4.5em}.stack tr.layer td:first-child{font-weight:600}
.s-fail{color:var(--fail)}.s-warn{color:var(--warn)}.s-unknown{color:var(--unknown)}.s-pass{color:var(--pass)}
.finding{margin:8px 0}.finding>.card{border:1px solid var(--line);border-left:5px solid var(--muted);border-radius:6px;
padding:8px 10px;background:var(--bg)}
.finding.fail>.card{border-left-color:var(--fail)}.finding.warn>.card{border-left-color:var(--warn)}
.finding.unknown>.card{border-left-color:var(--unknown)}
.finding>.card:target{outline:3px solid var(--target)}
.explains{margin-left:18px;padding-left:10px;border-left:2px dashed var(--line)}
.explains>.label{color:var(--muted);font-size:.9em;margin-top:6px}
.badge{font-weight:700;margin-right:.4em}.rid{font-weight:700}
.why{margin:.3em 0}.msg{margin:.3em 0;font-weight:500}
.ev{margin:.4em 0}.ev .loc{font-size:.9em}
pre.src{padding:4px 0}pre.src>span{display:block;padding:0 8px;white-space:pre}
pre.src>span>b{display:inline-block;min-width:3.5em;color:var(--muted);font-weight:normal;user-select:none;
cursor:pointer}
pre.src>span.hit{background:var(--hit)}pre.src>span:target{background:var(--target)}
.gap{color:var(--muted);font-style:italic;margin:.2em 0}
.fixes .cmd{margin:.2em 0 .6em}
.top{display:grid;grid-template-columns:minmax(0,1fr) 330px;gap:0 28px;align-items:start}
.top h2{margin-top:.3em}
@media (max-width:800px){.top{display:block}}
@media (min-width:801px){#filters{position:sticky;top:0;z-index:2}:target{scroll-margin-top:110px}}
#filters{background:var(--bg);border-bottom:1px solid var(--line);padding:6px 0;
display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center}
#filters[hidden]{display:none}
#filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:2px 8px}
#filters legend{float:left;color:var(--muted);margin-right:4px}
#filters input[type=search]{min-width:12em;flex:1;font:inherit;padding:3px 6px}
.filtered{display:none!important}
@media print{#filters{display:none}pre{white-space:pre-wrap}}
.trace table{font-size:13px}.trace td.where{white-space:nowrap}
.fate{font-weight:600;margin:.3em 0 .8em}
@media (max-width:600px){main{padding:8px}body{font-size:14px}.explains{margin-left:6px;padding-left:6px}
pre.src>span>b{min-width:2.5em}.trace td.text{display:none}}
`;

export const SCRIPT = `
(function () {
  var bar = document.getElementById('filters');
  if (!bar) return;
  bar.hidden = false;
  var cards = Array.prototype.slice.call(document.querySelectorAll('.finding'));
  var count = document.getElementById('shown');
  function checked(name) {
    return Array.prototype.slice.call(bar.querySelectorAll('input[name="' + name + '"]:checked')).map(function (i) {
      return i.value;
    });
  }
  function apply() {
    var layers = checked('layer'), sev = checked('severity');
    var node = bar.querySelector('select[name="node"]').value;
    var q = bar.querySelector('input[type=search]').value.trim().toLowerCase();
    var shown = 0;
    cards.forEach(function (f) {
      var card = f.querySelector(':scope > .card');
      var fn = f.getAttribute('data-node');
      var ok = layers.indexOf(f.getAttribute('data-layer')) >= 0 && sev.indexOf(f.getAttribute('data-severity')) >= 0 &&
        (node === '' || fn === '' || fn === node) && (q === '' || card.textContent.toLowerCase().indexOf(q) >= 0);
      card.classList.toggle('filtered', !ok);
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + cards.length + ' findings shown';
  }
  bar.addEventListener('input', apply);
  bar.addEventListener('change', apply);
  document.addEventListener('click', function (e) {
    var t = e.target;
    var line = t && t.tagName === 'B' ? t.parentNode : null;
    if (line && line.id && line.parentNode && line.parentNode.classList.contains('src')) location.hash = line.id;
  });
  apply();
})();
`;
