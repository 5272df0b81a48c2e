// Where each suggested fix command runs (issue 20 item 5). A node command (`iptables -t nat …`)
// pasted on a laptop changes the laptop, so fixes are grouped by place and never written as one
// runnable script: renderFixFile writes netsnap-fix.md, one section per place, each node section
// opening with a hostname guard. Signatures are a contract (html.ts, the TUI `w` key, the CLI).
//
// Group order (a fix goes bottom-up, as causes do): one group per node (by node name), then
// "each node" (node commands of cluster-wide findings), then kubectl, then the laptop (netsnap
// itself, ssh/scp: re-collect and check). Items in a group keep the order of `findings`, then of
// each finding's commands: pass findings in the order fixes should be applied (root chains walked
// causes first, as ReportModel.fixes does; analysis.findings is itself in a stable order). A
// command already listed in the group is not repeated.
import { nodeOf } from '../causal/link.js';
import type { Finding } from '../rules/types.js';
import { inertLine, mdCode, mdFence } from '../text/inert.js';
import { isValidWord, shq } from '../text/shell.js';

export type FixPlace =
  { kind: 'node'; node: string } | { kind: 'each-node' } | { kind: 'kubectl' } | { kind: 'laptop' };

export interface FixItem {
  findingId: string;
  ruleId: string;
  command: string;
}

export interface FixGroup {
  place: FixPlace;
  /** one terminal line, bundle text made inert: `# on node worker-1`, `# with kubectl (…)` */
  label: string;
  items: FixItem[];
}

const KUBECTL = new Set(['kubectl', 'oc', 'helm']);
const LAPTOP = new Set(['netsnap', 'kubectl-netsnap', 'ssh', 'scp']);

/** the program a command line starts with, past `sudo`, `env` and VAR=value prefixes */
function program(command: string): string {
  const words = command.trim().split(/\s+/);
  let i = 0;
  while (
    i < words.length &&
    (words[i] === 'sudo' || words[i] === 'env' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? ''))
  )
    i++;
  const w = words[i] ?? '';
  return w.slice(w.lastIndexOf('/') + 1);
}

export function placeOf(command: string, finding: Finding): FixPlace {
  const p = program(command);
  if (KUBECTL.has(p)) return { kind: 'kubectl' };
  if (LAPTOP.has(p)) return { kind: 'laptop' };
  const node = nodeOf(finding);
  return node !== undefined ? { kind: 'node', node } : { kind: 'each-node' };
}

export function placeLabel(place: FixPlace): string {
  switch (place.kind) {
    case 'node':
      return `# on node ${inertLine(place.node)}`;
    case 'each-node':
      return '# on each affected node (a shell on the node itself)';
    case 'kubectl':
      return '# with kubectl (any machine with cluster access)';
    case 'laptop':
      return '# on your laptop (where netsnap and the bundles are)';
  }
}

const placeKey = (p: FixPlace): string => (p.kind === 'node' ? `node:${p.node}` : p.kind);
const placeRank = (p: FixPlace): number => ({ node: 0, 'each-node': 1, kubectl: 2, laptop: 3 })[p.kind];
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** fix commands of `findings` by place; `ids[i]` is the stable id of `findings[i]` */
export function groupFixes(findings: readonly Finding[], ids: readonly string[]): FixGroup[] {
  const order = findings
    .map((f, i) => ({ f, id: ids[i] ?? '' }))
    .filter((x) => (x.f.remediation?.commands.length ?? 0) > 0);
  const groups = new Map<string, FixGroup>();
  const seen = new Set<string>();
  for (const { f, id } of order) {
    for (const command of f.remediation?.commands ?? []) {
      const place = placeOf(command, f);
      const key = placeKey(place);
      if (seen.has(`${key}\n${command}`)) continue;
      seen.add(`${key}\n${command}`);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { place, label: placeLabel(place), items: [] }));
      g.items.push({ findingId: id, ruleId: f.ruleId, command });
    }
  }
  return [...groups.values()].sort(
    (a, b) => placeRank(a.place) - placeRank(b.place) || cmp(placeKey(a.place), placeKey(b.place)),
  );
}

/** the shell line that stops a pasted block on the wrong host (Kubernetes node name = hostname) */
export function hostGuard(node: string): string {
  // a name no host can have (bundle text is untrusted) gets a guard that always stops
  if (!isValidWord('node', node))
    return 'exit 1  # stop: the node name in the bundle is not a host name; check by hand';
  return `[ "$(hostname)" = ${shq(node)} ] || exit 1  # stop: this is not ${inertLine(node).replace(/\s+/g, ' ')}`;
}

export interface FixFileMeta {
  readonly tool?: { readonly name: string; readonly version: string };
  /** collection time of the newest bundle */
  readonly collectedAt?: string;
  /** bundle ids the fixes come from */
  readonly bundles?: readonly string[];
}

function heading(place: FixPlace): string {
  switch (place.kind) {
    case 'node':
      return `## On node ${mdCode(place.node)}`;
    case 'each-node':
      return '## On each affected node';
    case 'kubectl':
      return '## With kubectl (any machine with cluster access)';
    case 'laptop':
      return '## On your laptop (where netsnap and the bundles are)';
  }
}

function intro(place: FixPlace): string {
  switch (place.kind) {
    case 'node':
      return 'Open a root shell on that node. The first line stops when the hostname is not the node name.';
    case 'each-node':
      return 'These findings name no single node: run on each node they concern, in a root shell there.';
    case 'kubectl':
      return 'These change the cluster through its API, not the machine you type them on.';
    case 'laptop':
      return 'These re-collect and re-check; they change nothing in the cluster.';
  }
}

/** netsnap-fix.md: markdown, one section per place, commands in fenced blocks; not a script */
export function renderFixFile(groups: readonly FixGroup[], meta: FixFileMeta = {}): string {
  const tool = meta.tool ? ` ${mdCode(`${meta.tool.name} ${meta.tool.version}`)}` : ' netsnap';
  const from = meta.bundles && meta.bundles.length > 0 ? ` from ${meta.bundles.map((b) => mdCode(b)).join(', ')}` : '';
  const when = meta.collectedAt !== undefined ? ` (collected ${mdCode(meta.collectedAt)})` : '';
  const out = [
    '# netsnap fixes',
    '',
    `Suggested by${tool}${from}${when}. netsnap never runs them.`,
    'This is not a script: each section says where its commands run. Read a command, then run it there.',
    '',
  ];
  if (groups.length === 0) return [...out, 'No fix commands were suggested.', ''].join('\n');
  for (const g of groups) {
    const lines: string[] = g.place.kind === 'node' ? [hostGuard(g.place.node)] : [];
    let last = '';
    for (const it of g.items) {
      if (it.findingId !== last) lines.push(`# ${inertLine(it.findingId)}`);
      last = it.findingId;
      lines.push(it.command);
    }
    out.push(heading(g.place), '', intro(g.place), '', ...mdFence(lines.join('\n'), 'sh'), '');
  }
  return out.join('\n');
}
