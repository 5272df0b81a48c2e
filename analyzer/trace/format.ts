// Text rendering of a trace: one block per branch, each step with its rule and bundle line.
import { NFT_JSON_FILE } from './nft-hooks.js';
import type { Fate, TraceBranch, TraceResult, TraceStep } from './types.js';

/** Bundle text is untrusted: show control characters inert. */
export function inert(s: string): string {
  return s.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** the packet's fate in one line, without a forwarded packet's note (the TUI shows it apart) */
export function fateSentence(f: Fate): string {
  const port = 'port' in f && f.port !== undefined ? `:${f.port}` : '';
  switch (f.kind) {
    case 'delivered-local':
      return `delivered to this node (${f.to}${port})`;
    case 'delivered-pod':
      return `delivered to pod ${f.podName ?? f.to}${port} on ${f.dev}`;
    case 'forwarded':
      return `leaves via ${f.dev}${f.gateway ? ` (next hop ${f.gateway})` : ''} as ${f.src} → ${f.dst}${port}`;
    case 'dropped':
      return `dropped by ${f.by}`;
    case 'rejected':
      return `rejected by ${f.by}${f.with ? ` (${f.with})` : ''}`;
    case 'no-route':
      return `no route to ${f.dst}`;
    case 'undetermined':
      return `undetermined at ${f.at}: ${f.why}`;
  }
}

/** the text report's fate: a drop or reject shouted, a forwarded packet's note on its own line */
export function describeFate(f: Fate): string {
  const sentence = fateSentence(f);
  if (f.kind === 'dropped' || f.kind === 'rejected') return sentence.replace(/^\w+/, (w) => w.toUpperCase());
  // not a verdict: say so as loudly, and what in a bundle would decide it
  if (f.kind === 'undetermined')
    return `${sentence.replace(/^\w+/, (w) => w.toUpperCase())}${f.needs.length > 0 ? `\n    ? decided by: ${f.needs.join(', ')}` : ''}`;
  return f.kind === 'forwarded' && f.note ? `${sentence}\n    ! ${f.note}` : sentence;
}

/** `nat/KUBE-SERVICES #12` for a rule step, undefined for a routing step */
export function stepChainWhere(s: TraceStep): string | undefined {
  return s.chain ? `${s.table}/${s.chain}${s.ruleIndex !== undefined ? ` #${s.ruleIndex}` : ''}` : undefined;
}

function stepLine(s: TraceStep, path?: string): string[] {
  const where = stepChainWhere(s) ?? s.hook.toLowerCase();
  // an nftables step (`ip kube-proxy`) points into the JSON listing it was evaluated from
  const loc =
    s.line !== undefined && path
      ? `  ${path}:${s.line}`
      : s.pointer !== undefined && s.table?.includes(' ')
        ? `  ${NFT_JSON_FILE}#${s.pointer}`
        : '';
  const prob = s.branch ? ` (p=${s.branch.probability.toFixed(2)})` : '';
  const out = [`  ${s.hook.padEnd(11)} ${clip(where, 40).padEnd(40)} ${inert(s.verdict)}${prob}${loc}`];
  if (s.text && s.ruleIndex !== undefined) out.push(`              ${clip(inert(s.text), 64)}`);
  for (const a of s.assumptions ?? [])
    out.push(`              ? ${a.module}: assumed to ${a.assumed === 'match' ? 'match' : 'not match'} (${a.why})`);
  return out;
}

export function formatTrace(r: TraceResult & { label?: { from: string; to: string } }): string {
  const i = r.input;
  const lines = [
    `trace ${r.label?.from ?? i.src} (${i.src}) → ${r.label?.to ?? i.dst} (${i.dst}${i.dport !== undefined ? `:${i.dport}` : ''}) ${i.proto} on node ${r.node}`,
  ];
  if (r.missing.length > 0) lines.push(`  missing from the bundle: ${r.missing.join(', ')} (the trace is incomplete)`);
  const path = r.iptablesRef?.path;
  r.branches.forEach((b: TraceBranch, n) => {
    lines.push(
      '',
      `branch ${n + 1} of ${r.branches.length}${r.branches.length > 1 ? `  probability ${(b.probability * 100).toFixed(1)}%` : ''}`,
    );
    for (const s of b.steps) lines.push(...stepLine(s, path));
    lines.push(`  => ${describeFate(b.fate)}`);
  });
  return lines.join('\n');
}
