// `netsnap rules`: the rule catalog (id, layer, severity, title), `--format json` (`--json`) for tools,
// `--rules FILE` to include a rule pack, `<ID>` for one rule's docs.
import type { Rule } from '../rules/types.js';
import { inertLine as t, safeJson } from '../text/inert.js';
import {
  didYouMean,
  emitOutput,
  FORMAT_HELP,
  FORMAT_OPTIONS,
  formatOf,
  HELP_OPTION,
  outputOf,
  parseCommand,
  usageError,
} from './args.js';

const USAGE = `usage: netsnap rules [options] [RULE-ID]...

The rule catalog: id, layer, severity, title; with RULE-ID, that rule's docs (why, fix).
options:
${FORMAT_HELP(['text', 'json'])}
  --rules FILE                    include a rule pack (YAML/JSON, repeatable)
  -h, --help                      this help
exit: 0 listed, 2 an unknown rule id, an invalid pack, or bad usage`;

const OPTIONS = { ...FORMAT_OPTIONS, ...HELP_OPTION, rules: { type: 'string', multiple: true } } as const;

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
  const parsed = parseCommand('rules', argv, OPTIONS, USAGE);
  if ('exit' in parsed) return parsed.exit;
  const format = formatOf('rules', parsed.values, ['text', 'json'], 'text');
  if (format === 2) return 2;
  const output = outputOf('rules', parsed.values);
  if (output === 2) return 2;
  const { allRules } = await import('../rules/catalog.js');
  const { loadPackFile } = await import('../rules/packs/load.js');
  let rules: Rule[] = [...allRules];
  try {
    for (const f of parsed.values.rules ?? [])
      rules = [...rules, ...(await loadPackFile(f, new Set(allRules.map((r) => r.id))))];
  } catch (err) {
    // a pack's message may be several lines (one per problem): each stays inert
    for (const line of (err as Error).message.split('\n')) process.stderr.write(`netsnap rules: ${t(line)}\n`);
    return 2;
  }
  // a rule is named by its id (any case) or its slug
  const matches = (r: Rule, name: string) => r.id === name.toUpperCase() || r.slug === name;
  const wanted = parsed.positionals;
  if (wanted.length) {
    const missing = wanted.find((w) => !rules.some((r) => matches(r, w)));
    if (missing !== undefined)
      return usageError(
        'rules',
        `no rule "${missing}"`,
        didYouMean(
          missing,
          rules.flatMap((r) => [r.id, r.slug]),
        ) ?? 'run `netsnap rules` for the list',
      );
    rules = rules.filter((r) => wanted.some((w) => matches(r, w)));
  }
  if (format === 'json') return emitOutput('rules', output, `${safeJson(rules.map(ruleSummary))}\n`);
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
  return emitOutput('rules', output, `${lines.join('\n')}\n`);
}
