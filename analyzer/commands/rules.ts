// `netsnap rules`: the rule catalog (id, layer, severity, title), `--json` for tools,
// `--rules FILE` to include a rule pack, `<ID>` for one rule's docs.
import { parseArgs } from 'node:util';
import type { Rule } from '../rules/types.js';
import { inert, inertLine as t, safeJson } from '../text/inert.js';

const USAGE = `usage: netsnap rules [--json] [--rules FILE]... [RULE-ID]`;

export function ruleSummary(r: Rule): object {
  return {
    id: r.id,
    slug: r.slug,
    layer: r.layer,
    severity: r.severity,
    title: r.title,
    needs: r.needs,
    docs: r.docs,
    explains: (r.explains ?? []).map((e) => ({
      rule: e.rule,
      match: typeof e.match === 'string' ? e.match : 'function',
    })),
  };
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        rules: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`netsnap rules: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { allRules } = await import('../rules/catalog.js');
  const { loadPackFile } = await import('../rules/packs/load.js');
  let rules: Rule[] = [...allRules];
  try {
    for (const f of parsed.values.rules ?? [])
      rules = [...rules, ...(await loadPackFile(f, new Set(allRules.map((r) => r.id))))];
  } catch (err) {
    process.stderr.write(`netsnap rules: ${inert((err as Error).message)}\n`);
    return 2;
  }
  const wanted = parsed.positionals.map((p) => p.toUpperCase());
  if (wanted.length) {
    rules = rules.filter((r) => wanted.includes(r.id));
    if (rules.length === 0) {
      process.stderr.write(`netsnap rules: no rule ${t(wanted.join(', '))}; run \`netsnap rules\` for the list\n`);
      return 2;
    }
  }
  if (parsed.values.json) {
    process.stdout.write(`${safeJson(rules.map(ruleSummary))}\n`);
    return 0;
  }
  const lines: string[] = [];
  if (wanted.length) {
    // a pack's id, slug, title and docs are stranger text: one inert line each
    for (const r of rules)
      lines.push(
        `${t(r.id)} ${t(r.slug)} (${t(r.layer)}, ${t(r.severity)})`,
        `  ${t(r.title)}`,
        '',
        `why: ${t(r.docs.why)}`,
        '',
        `fix: ${t(r.docs.fix)}`,
        '',
      );
  } else {
    for (const r of rules) {
      const head = `${t(r.id).padEnd(8)} ${t(r.layer).padEnd(7)} ${t(r.severity).padEnd(8)} `;
      const room = 80 - head.length;
      const title = t(r.title);
      lines.push(head + (title.length > room ? `${title.slice(0, room - 1)}…` : title));
    }
    lines.push('', `${rules.length} rules; \`netsnap rules ID\` shows one rule's docs (docs/rules.md has all).`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
