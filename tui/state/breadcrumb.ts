// One short label per stack entry: `overview › findings layer=dns › DNS-402 › coredns.json:13`.
import type { UiModel } from '../view-models/model.js';
import { describeFilter } from '../view-models/findings.js';
import { cellWidth, truncate } from '../view-models/text.js';
import type { Entry } from './ui.js';

export function crumbLabel(e: Entry, m: UiModel): string {
  const r = e.route;
  switch (r.screen) {
    case 'overview':
      return 'overview';
    case 'help':
      return 'help';
    case 'findings': {
      const f = describeFilter(e.filter);
      return f ? `findings ${f}` : 'findings';
    }
    case 'detail':
      return m.findings[r.finding]?.ruleId ?? `finding ${r.finding}`;
    case 'trace': {
      if (r.from === undefined) return 'trace: source?';
      const port = `${r.port !== undefined ? `:${r.port}` : ''}${r.proto ? ` ${r.proto}` : ''}`;
      return `trace ${r.from} → ${r.to ?? '?'}${port}`;
    }
    case 'evidence': {
      const file = e.pane === 1 && e.file ? e.file : undefined;
      if (!file) return r.node ? `evidence ${r.node}` : 'evidence';
      return `${file.path.split('/').at(-1)}${file.pointer !== undefined ? `#${file.pointer.split('/').at(-1)}` : ''}:${e.line}`;
    }
  }
}

export function breadcrumb(stack: readonly Entry[], m: UiModel): string[] {
  return stack.map((e) => crumbLabel(e, m));
}

/**
 * the breadcrumb in `width` cells, always ending with where you are: long earlier labels are
 * shortened, then the oldest dropped (`… › trace web-1 → ? › findings`)
 */
export function crumbLine(crumbs: readonly string[], width: number): string {
  const join = (cs: readonly string[]) => cs.join(' › ');
  if (cellWidth(join(crumbs)) <= width) return join(crumbs);
  const last = crumbs.at(-1) ?? '';
  const earlier = crumbs.slice(0, -1).map((c) => truncate(c, 20));
  for (let drop = 0; drop <= earlier.length; drop++) {
    const kept = [...(drop ? ['…'] : []), ...earlier.slice(drop), last];
    if (cellWidth(join(kept)) <= width) return join(kept);
  }
  return truncate(last, width);
}
