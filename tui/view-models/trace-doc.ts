// A traced packet as a doc: per branch its probability and fate, then one line per step
// (hook, table/chain #rule, verdict, line in host/iptables-save.txt). The rule that decided the
// branch is marked ▶ and its rule text is quoted under it; enter on a step opens that line.
import type { FileRef } from '../../analyzer/model/types.js';
import { fateSentence, stepChainWhere } from '../../analyzer/trace/format.js';
import type { TraceBranch, TraceResult, TraceStep } from '../../analyzer/trace/types.js';
import type { Route, TraceRoute } from '../state/route.js';
import { FATE_GLYPH, STATUS_GLYPH, WARN_FORWARD, type Glyph } from '../theme.js';
import { DocBuilder, type Doc } from './doc.js';
import type { TraceRequest, UiModel } from './model.js';
import { padEnd, truncate, wrap, wrapKeep } from './text.js';

type Traced = TraceResult & { readonly label?: { readonly from: string; readonly to: string } };

/** the request a complete trace route stands for */
export function traceRequest(r: TraceRoute): TraceRequest | undefined {
  if (r.from === undefined || r.to === undefined) return undefined;
  return {
    from: r.from,
    to: r.port !== undefined ? `${r.to}:${r.port}` : r.to,
    ...(r.proto ? { proto: r.proto } : {}),
  };
}

/**
 * Index of the step that decided a branch: for a reject or drop the rule (or policy) the tracer
 * names; otherwise the last address rewrite (the DNAT that chose the backend, the MASQUERADE that
 * set the source); failing that the last ACCEPT or policy that let the packet on (e.g. falling
 * off nat/POSTROUTING without MASQUERADE). Undefined when no rule took part.
 */
export function decidingStep(b: TraceBranch): number | undefined {
  const steps = b.steps;
  const lastIndex = (ok: (s: TraceStep) => boolean): number | undefined => {
    for (let i = steps.length - 1; i >= 0; i--) if (ok(steps[i] as TraceStep)) return i;
    return undefined;
  };
  // the rule the tracer could not evaluate is the last step it took
  if (b.fate.kind === 'undetermined') return steps.length > 0 ? steps.length - 1 : undefined;
  if (b.fate.kind === 'rejected' || b.fate.kind === 'dropped') {
    const by = b.fate.by;
    const named = lastIndex(
      (s) =>
        !!s.chain && by === `${s.table}/${s.chain}${s.ruleIndex !== undefined ? ` rule ${s.ruleIndex}` : ' policy'}`,
    );
    return named ?? lastIndex((s) => /^(DROP|REJECT|policy DROP|not forwarded)/.test(s.verdict));
  }
  return (
    lastIndex((s) => /^(DNAT|SNAT|MASQUERADE|REDIRECT) /.test(s.verdict)) ??
    lastIndex((s) => s.verdict === 'ACCEPT' || s.verdict.startsWith('policy '))
  );
}

export function fateGlyph(b: TraceBranch): Glyph {
  return b.fate.kind === 'forwarded' && b.fate.note ? WARN_FORWARD : FATE_GLYPH[b.fate.kind];
}

/** one line, without the forwarded note (shown on its own line) */
export function fateText(b: TraceBranch): string {
  return fateSentence(b.fate);
}

export function stepWhere(s: TraceStep): string {
  return stepChainWhere(s) ?? 'routing';
}

/** where enter on a step goes: its line in iptables-save, or the route file for a routing step */
export function stepTarget(r: TraceResult, s: TraceStep): Route | undefined {
  const open = (ref: FileRef, line?: number): Route => ({
    screen: 'evidence',
    node: r.node,
    file: { bundle: ref.bundle, path: ref.path, ...(line !== undefined ? { line } : {}) },
  });
  if (s.line !== undefined && r.iptablesRef) return open(r.iptablesRef, s.line);
  if (s.hook === 'ROUTING' && r.routesRef) return open(r.routesRef);
  return undefined;
}

const HOOK_WIDTH = 12;

export function traceResultDoc(r: Traced, width: number): Doc {
  const d = new DocBuilder();
  const i = r.input;
  const dst = `${i.dst}${i.dport !== undefined ? `:${i.dport}` : ''}`;
  d.line(
    { text: 'Trace  ', bold: true },
    {
      text: truncate(
        `${r.label?.from ?? i.src} (${i.src}) → ${r.label?.to ?? dst} (${dst})  ${i.proto}`,
        Math.max(0, width - 7),
      ),
      bold: true,
    },
  );
  const n = r.branches.length;
  d.line({
    text: truncate(
      `on ${r.node}'s rules · ${n} branch${n === 1 ? '' : 'es'} · ${r.iptablesRef?.path ?? 'no iptables-save'}`,
      width,
    ),
    dim: true,
  });
  if (r.missing.length)
    d.line({
      text: truncate(
        `${STATUS_GLYPH.unknown.icon} missing from the bundle: ${r.missing.join(', ')} (the path below is incomplete)`,
        width,
      ),
      tone: 'warning',
    });
  r.branches.forEach((b, bi) => {
    const section = `branch:${bi + 1}`;
    const g = fateGlyph(b);
    const decides = decidingStep(b);
    const decidingTarget = decides !== undefined ? stepTarget(r, b.steps[decides] as TraceStep) : undefined;
    const head = `Branch ${bi + 1}/${n}${n > 1 || b.probability < 1 ? `  ${(b.probability * 100).toFixed(1)}%` : ''}  `;
    d.blank();
    d.item(
      { section, ...(decidingTarget ? { target: decidingTarget } : {}) },
      { text: head, bold: true },
      { text: `${g.icon} ${g.label}`, tone: g.tone, bold: true },
    );
    // the fate is the answer: never cut, wrapped under the branch title
    for (const l of wrap(`⇒ ${fateText(b)}`, width - 4)) d.more({ text: `  ${l}`, tone: g.tone });
    if (b.fate.kind === 'forwarded' && b.fate.note)
      for (const l of wrap(`! ${b.fate.note}`, width - 4)) d.more({ text: `  ${l}`, tone: 'warning' });
    b.steps.forEach((s, si) => {
      const isDecider = si === decides;
      const target = stepTarget(r, s);
      const line = s.line !== undefined ? `  L${s.line}` : '';
      const prob = s.branch ? ` p=${s.branch.probability.toFixed(2)}` : '';
      const where = padEnd(stepWhere(s), Math.min(34, Math.max(12, Math.floor(width * 0.42))));
      const verdictWidth = Math.max(0, width - 4 - HOOK_WIDTH - where.length - 1 - line.length);
      d.item(
        { section, ...(target ? { target } : {}), ...(isDecider ? { landmark: true } : {}) },
        { text: isDecider ? '▶ ' : '  ', bold: true, tone: g.tone },
        { text: padEnd(s.hook, HOOK_WIDTH), dim: !isDecider },
        { text: `${where} `, bold: isDecider, mark: isDecider },
        { text: padEnd(`${s.verdict}${prob}`, verdictWidth), bold: isDecider, ...(isDecider ? { tone: g.tone } : {}) },
        { text: line, dim: true },
      );
      // the deciding rule is quoted whole: it wraps (continuation rows indented further)
      if (isDecider && s.text && s.ruleIndex !== undefined)
        wrapKeep(s.text, Math.max(10, width - 6)).forEach((l, i) =>
          d.more({ text: `${i ? '      ' : '    '}${l}`, mark: true }),
        );
      for (const a of s.assumptions ?? [])
        d.more({
          text: truncate(
            `    ? ${a.module}: assumed to ${a.assumed === 'match' ? 'match' : 'not match'} (${a.why})`,
            width,
          ),
          tone: 'warning',
        });
    });
  });
  if (!n) d.blank().line({ text: 'no branch: the tracer returned no path', tone: 'warning' });
  return d.build();
}

/** the Trace result screen: runs the injected tracer; a bad request becomes a message, not a crash */
export function traceDoc(m: Pick<UiModel, 'trace'>, r: TraceRoute, width: number): Doc {
  const req = traceRequest(r);
  const d = new DocBuilder();
  if (!req) return d.line({ text: 'pick a source and a destination first' }).build();
  if (!m.trace)
    return d
      .line({ text: 'tracing is not available in this run (the caller gave the UI no tracer)', tone: 'warning' })
      .build();
  try {
    return traceResultDoc(m.trace(req), width);
  } catch (err) {
    const g = STATUS_GLYPH.fail;
    d.line({
      text: `${g.icon} cannot trace ${req.from} → ${req.to}${req.proto ? ` ${req.proto}` : ''}`,
      tone: g.tone,
      bold: true,
    });
    for (const l of wrap(err instanceof Error ? err.message : String(err), width - 2)) d.line({ text: `  ${l}` });
    d.blank().line({ text: 'esc goes back to pick again · p sets the port/protocol', dim: true });
    return d.build();
  }
}
