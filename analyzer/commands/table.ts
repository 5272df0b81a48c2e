// The `netsnap` subcommands, each loaded only when run. Static import strings on purpose: the
// bundler (scripts/bundle.mjs) follows them, and completion.ts loads a command's help through them.
export interface Command {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

export const COMMANDS: Record<string, Command> = {
  inspect: {
    summary: 'show what each bundle holds: sources, sizes, parse results, problems',
    load: () => import('./inspect.js'),
  },
  analyze: {
    summary: 'diagnose bundles: root causes, evidence, fixes (TUI on a TTY)',
    load: () => import('./analyze.js'),
  },
  trace: {
    summary: "follow one packet through a node's routes and iptables",
    load: () => import('./trace.js'),
  },
  redact: {
    summary: 'write a copy of a bundle safe to share (secrets removed, optional pseudonyms)',
    load: () => import('./redact.js'),
  },
  rules: { summary: 'list the rule catalog', load: () => import('./rules.js') },
  diff: { summary: 'compare two collections: fixed, still failing, new', load: () => import('./diff.js') },
  collect: { summary: 'collect every node over ssh or a pod per node', load: () => import('./collect.js') },
  collector: {
    summary: 'write the node collector script (netsnap-collect.sh) and print its sha256',
    load: () => import('./collector.js'),
  },
  completion: {
    summary: 'print shell completion for bash, zsh or fish',
    load: () => import('./completion.js'),
  },
  alerts: {
    summary: 'print Prometheus alert rules for what netsnap diagnoses',
    load: () => import('./alerts.js'),
  },
};
