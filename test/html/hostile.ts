// Hostile inputs for the HTML report (issue 13 item 1): strings that would run script, close a raw-
// text element, open a comment, make a link or reorder text, planted where the report quotes them:
// a node name, pod names (and so file paths), coredns log lines and a Corefile cited as evidence, and
// a rule pack's title, docs, message and fix command.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundles } from '../../analyzer/bundle/read.js';
import type { RawBundle } from '../../analyzer/bundle/types.js';
import { analyze } from '../../analyzer/causal/analyze.js';
import { buildSnapshot } from '../../analyzer/model/build.js';
import { kubeList, podJson, rawBundle } from '../../analyzer/model/testing.js';
import type { ReportInput } from '../../analyzer/report/model.js';
import { allRules } from '../../analyzer/rules/catalog.js';
import type { Rule } from '../../analyzer/rules/types.js';
import { loadPackFile } from '../../analyzer/rules/packs/load.js';
import { bundlePaths } from '../scenario-helpers.js';
import { hostilePack } from '../helpers/hostile-pack.js';

/** each would do something if it reached the page raw; `__pwned` proves a script ran */
export const PAYLOADS = [
  '</script><script>window.__pwned=1</script>',
  '</textarea><img src=x onerror="window.__pwned=2">',
  '<!-- ',
  '\'"><svg onload=window.__pwned=3>',
  '<a href="javascript:window.__pwned=4">click</a>',
  '[x](javascript:alert(1))',
  '\u202eevil\u202c',
  '\u2066\u2069\u200b\u0007\u001b[2J\u0000',
  '<style>body{display:none}</style>',
  '<meta http-equiv="refresh" content="0;url=http://example.com/">',
  '<link rel=stylesheet href="http://example.com/x.css">',
  '&amp;&lt;',
];
export const ALL = PAYLOADS.join(' ');
/** raw in output: C0 but \n, DEL, C1, bidi controls and other invisible format characters */
export const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/u;

const PACK = hostilePack(ALL);

function edit(raw: RawBundle, path: string, f: (text: string) => string): void {
  const files = raw.files as Map<string, Buffer>;
  const buf = files.get(path);
  if (buf) files.set(path, Buffer.from(f(buf.toString('utf8')), 'utf8'));
}

export const EVIL_NODE = `node-${ALL}`;

/**
 * The demo (article-full-story) with payloads in the coredns log lines DNS-402 cites, a comment on
 * the Corefile's forward line, a hostile pod (its name also a log file path), a fourth bundle from a
 * node with a hostile name (ip_forward off, so a finding is about it) and the hostile pack; `rules`
 * holds the pack's rules too, for the report's "why".
 */
export async function hostileDemo(): Promise<{ input: ReportInput; rules: readonly Rule[] }> {
  const raws = await readBundles(bundlePaths('article-full-story'));
  const cp = raws.find((r) => r.files.has('cluster/pods.json'));
  if (!cp) throw new Error('article-full-story: no cluster bundle');
  edit(cp, 'cluster/logs/kube-system/coredns-rj7zflzdqv-42hcf/coredns.log', (t) =>
    t
      .split('\n')
      .map((l) => (l.includes('[ERROR]') ? `${l} ${ALL}` : l))
      .join('\n'),
  );
  edit(cp, 'cluster/configmaps/kube-system/coredns.json', (t) => {
    const cm = JSON.parse(t) as { data: { Corefile: string } };
    cm.data.Corefile = cm.data.Corefile.replace(/(forward[^\n]*\{)/, `$1 # ${ALL}`);
    return `${JSON.stringify(cm, null, 2)}\n`;
  });
  const evilPod = `evil-${ALL}`;
  edit(cp, 'cluster/pods.json', (t) => {
    const list = JSON.parse(t) as { items: object[] };
    const [pod] = (
      kubeList([podJson({ name: evilPod, namespace: 'default', node: 'worker-1', ip: '10.244.1.66' })]) as {
        items: object[];
      }
    ).items;
    list.items.push(pod as object);
    return `${JSON.stringify(list, null, 2)}\n`;
  });
  (cp.files as Map<string, Buffer>).set(`cluster/logs/default/${evilPod}/app.log`, Buffer.from(`${ALL}\n`));
  const dir = await mkdtemp(join(tmpdir(), 'netsnap-html-hostile-'));
  try {
    await writeFile(join(dir, 'pack.yaml'), PACK);
    const packs = await loadPackFile(join(dir, 'pack.yaml'), new Set(allRules.map((r) => r.id)));
    const evilNode = rawBundle({
      id: 'netsnap-evil',
      node: EVIL_NODE,
      files: { 'host/sysctl.txt': `net.ipv4.ip_forward = 0\n# ${ALL}\n`, 'host/resolv.conf': `search ${ALL}\n` },
    });
    const snapshot = buildSnapshot([...raws, evilNode]);
    return { input: { snapshot, analysis: analyze(snapshot, { packs }) }, rules: [...allRules, ...packs] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
