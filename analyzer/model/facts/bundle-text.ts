// Host files the shared facts read as text (static pod manifests, distribution configs, kubelet
// flags, hostname) that HostState does not parse. Built once per snapshot from the file index:
// one listing of every bundle, grouped by bundle, then only the few paths a fact asks for.
import type { FileIndex, FileRef } from '../types.js';

export interface BundleText {
  /** paths of one bundle under `prefix`, sorted */
  under(bundle: string, prefix: string): readonly string[];
  has(bundle: string, path: string): boolean;
  /** the file's lines (1-based line n is lines[n - 1]); undefined when absent */
  lines(bundle: string, path: string): readonly string[] | undefined;
}

export function bundleText(files: FileIndex | undefined): BundleText {
  // the listing is grouped on the first `under` (a static-pod directory), never for plain reads
  let byBundle: Map<string, string[]> | undefined;
  const group = (): Map<string, string[]> => {
    if (byBundle) return byBundle;
    byBundle = new Map();
    for (const ref of files?.list() ?? []) {
      const list = byBundle.get(ref.bundle);
      if (list) list.push(ref.path);
      else byBundle.set(ref.bundle, [ref.path]);
    }
    return byBundle;
  };
  return {
    under: (bundle, prefix) => (group().get(bundle) ?? []).filter((p) => p.startsWith(prefix)),
    has: (bundle, path) => files?.has({ bundle, path }) ?? false,
    lines(bundle, path) {
      const ref: FileRef = { bundle, path };
      const n = files?.lineCount(ref);
      return n === undefined ? undefined : files?.lines(ref, 1, n);
    },
  };
}

/** `--name=value`, `--name value` or `name: value` on one line of a manifest, config or flags file */
export interface FlagHit {
  readonly value: string;
  readonly line: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every value of command-line flag `--name` in a text (a static pod manifest's `- --cluster-cidr=...`,
 * kubeadm-flags.env, a snap args file), with its 1-based line.
 */
export function flagInLines(lines: readonly string[], name: string): FlagHit[] {
  const re = new RegExp(`(?:^|[\\s"'\\[,])--${escape(name)}(?:=|\\s+)["']?([^\\s"',\\]]+(?:,[^\\s"',\\]]+)*)`);
  const out: FlagHit[] = [];
  lines.forEach((l, i) => {
    const m = re.exec(l);
    if (m?.[1]) out.push({ value: m[1], line: i + 1 });
  });
  return out;
}

/**
 * A top-level key of a k3s/RKE2 config.yaml (`cluster-cidr: "10.42.0.0/16"`, or a YAML list of
 * values on the following `- ` lines), with its line. Comma-separated dual-stack values stay whole.
 */
export function yamlKeyInLines(lines: readonly string[], key: string): FlagHit[] {
  const re = new RegExp(`^["']?${escape(key)}["']?\\s*:\\s*(.*)$`);
  const out: FlagHit[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i] ?? '');
    if (!m) continue;
    const inline = unquote(m[1] ?? '');
    if (inline !== '' && !inline.startsWith('#')) {
      out.push({ value: inline.replace(/^\[|\]$/g, '').replace(/["'\s]/g, ''), line: i + 1 });
      continue;
    }
    for (let j = i + 1; j < lines.length; j++) {
      const item = /^\s*-\s*(.+)$/.exec(lines[j] ?? '');
      if (!item) break;
      out.push({ value: unquote(item[1] ?? ''), line: j + 1 });
    }
  }
  return out;
}

function unquote(s: string): string {
  const t = s.replace(/\s+#.*$/, '').trim();
  return t.replace(/^["'](.*)["']$/, '$1');
}

/** the values of a flag in a container's command and args: `--cluster-cidr=X` or `--cluster-cidr X` */
export function flagInArgv(argv: readonly string[], name: string): { value: string; index: number }[] {
  const out: { value: string; index: number }[] = [];
  const flag = `--${name}`;
  argv.forEach((a, i) => {
    if (a.startsWith(`${flag}=`)) out.push({ value: a.slice(flag.length + 1), index: i });
    else if (a === flag && argv[i + 1] !== undefined) out.push({ value: argv[i + 1] as string, index: i + 1 });
  });
  return out;
}
