// Redacting whole bundles: every file and the manifest, one pass per file, nothing on disk.
// Several bundles are redacted together so the names and addresses they share map the same way.
import { allEntries } from '../bundle/entries.js';
import type { RawBundle } from '../bundle/types.js';
import type { Manifest, Redaction } from '../bundle/manifest.js';
import { Counts } from './counts.js';
import { IpPseudonymizer } from './ip-map.js';
import { JsonScanError, rewriteJsonStrings, type StringContext } from './json-strings.js';
import { RedactKey } from './key.js';
import { NameMap } from './names.js';
import { Pseudonyms, learnNames } from './pseudonymize.js';
import { redactSecretsInText, replaceSecret, type SecretContext } from './secrets.js';
import { isExemptValue, isKnownSafeField, isSensitiveName } from './sensitive.js';

export const REDACT_TOOL = 'netsnap redact 0.1.0';

export interface RedactOptions {
  readonly key?: RedactKey;
  readonly pseudonymize?: boolean;
  /** name pseudonyms from an earlier run (the map file), so several runs agree */
  readonly names?: Record<string, string>;
  /** redaction time written to the manifest (tests pass a fixed one) */
  readonly now?: string;
  /** files beside the bundles (`netsnap collect`'s collection.json): redacted with the same key and names */
  readonly extras?: ReadonlyMap<string, Buffer>;
}

export interface RedactedBundle {
  readonly id: string;
  readonly manifest?: Manifest;
  /** path -> bytes, without manifest.json (write it from `manifest`) */
  readonly files: Map<string, Buffer>;
  readonly counts: Record<string, number>;
  /** files redacted as plain text because their JSON could not be scanned */
  readonly textFallbacks: readonly string[];
  /** why each of textFallbacks was not rewritten as JSON
   * (`nested deeper than 10000 levels`, `unbalanced "]" at offset 7`) */
  readonly textFallbackWhy?: ReadonlyMap<string, string>;
}

export interface RedactResult {
  readonly bundles: RedactedBundle[];
  readonly key: RedactKey;
  readonly names: Record<string, string>;
  readonly ips: Record<string, string>;
  /** the extras, redacted (same names) */
  readonly extras: Map<string, Buffer>;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** the per-string pipeline: context-based secrets, text secrets, then pseudonyms */
function stringRewriter(sec: SecretContext, pseudo: Pseudonyms | undefined) {
  return (value: string, ctx: StringContext): string => {
    let v = value;
    if (ctx.key === LAST_APPLIED) v = isExemptValue(v) ? v : replaceSecret(sec, 'last-applied-configuration', v);
    else if (ctx.key !== undefined && isSensitiveName(ctx.key) && !isExemptValue(v))
      v = replaceSecret(sec, 'json-value', v);
    else if (
      ctx.key === 'value' &&
      ctx.siblingName !== undefined &&
      isSensitiveName(ctx.siblingName) &&
      !isExemptValue(v)
    )
      v = replaceSecret(sec, 'env-value', v);
    else if (
      ctx.prevInArray !== undefined &&
      /^-{1,2}[A-Za-z]/.test(ctx.prevInArray) &&
      !ctx.prevInArray.includes('=') &&
      isSensitiveName(ctx.prevInArray) &&
      !isExemptValue(v) &&
      !v.startsWith('-')
    )
      v = replaceSecret(sec, 'flag', v);
    else v = redactSecretsInText(v, sec, { entropy: !isKnownSafeField(ctx.key) });
    // a role word, not a name: kube-proxy static pods are found by `tier: control-plane`
    return pseudo && ctx.key !== 'tier' ? pseudo.text(v) : v;
  };
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** bytes -> string; invalid UTF-8 is read as latin1 so every byte survives the round trip */
function decode(buf: Buffer): { text: string; encoding: 'utf8' | 'latin1' } {
  try {
    return { text: fatalUtf8.decode(buf), encoding: 'utf8' };
  } catch {
    return { text: buf.toString('latin1'), encoding: 'latin1' };
  }
}

function redactFile(
  path: string,
  buf: Buffer,
  sec: SecretContext,
  pseudo: Pseudonyms | undefined,
  fallbacks: string[],
  why: Map<string, string>,
): Buffer {
  const { text, encoding } = decode(buf);
  const rewrite = stringRewriter(sec, pseudo);
  let out: string;
  if (path.endsWith('.json') || /^\s*[[{]/.test(text.slice(0, 64))) {
    const saved = sec.counts.save();
    try {
      out = rewriteJsonStrings(text, rewrite);
    } catch (e) {
      if (!(e instanceof JsonScanError)) throw e;
      sec.counts.restore(saved); // the abandoned attempt's replacements are not in the output
      fallbacks.push(path);
      why.set(path, e.message);
      out = rewrite(text, {});
    }
  } else {
    out = rewrite(text, {});
  }
  return out === text ? buf : Buffer.from(out, encoding);
}

function redactManifest(m: Manifest, sec: SecretContext, pseudo: Pseudonyms | undefined): Manifest {
  const { redaction: _old, ...rest } = m;
  const text = rewriteJsonStrings(JSON.stringify(rest), stringRewriter(sec, pseudo));
  return JSON.parse(text) as Manifest;
}

/** Redact bundles. Inputs are never changed; outputs are new maps of new buffers. */
export function redactBundles(raws: readonly RawBundle[], opts: RedactOptions = {}): RedactResult {
  const key = opts.key ?? new RedactKey();
  const names = new NameMap(key, opts.names);
  const ips = new IpPseudonymizer(key);
  if (opts.pseudonymize) learnNames(raws, names);
  const allIps = new Map<string, string>();
  const bundles = raws.map((raw): RedactedBundle => {
    const counts = new Counts();
    const sec: SecretContext = { key, counts };
    const pseudo = opts.pseudonymize ? new Pseudonyms(ips, names, counts) : undefined;
    const files = new Map<string, Buffer>();
    const fallbacks: string[] = [];
    const why = new Map<string, string>();
    // spilled entries are read back one at a time (redact rewrites every byte anyway)
    for (const [path, buf] of allEntries(raw)) {
      if (path === 'manifest.json') continue;
      const newPath = pseudo ? pseudo.namesIn(path) : path;
      files.set(newPath, redactFile(path, buf, sec, pseudo, fallbacks, why));
    }
    let manifest: Manifest | undefined;
    if (raw.manifest) {
      const m = redactManifest(raw.manifest, sec, pseudo);
      const sources = m.sources.map((s) => (files.has(s.path) ? { ...s, bytes: files.get(s.path)!.length } : s));
      const redaction: Redaction = {
        tool: REDACT_TOOL,
        at: opts.now ?? new Date().toISOString(),
        pseudonymized: !!opts.pseudonymize,
        counts: counts.toRecord(),
      };
      manifest = { ...m, sources, redaction };
    }
    if (pseudo) for (const [k, v] of pseudo.seenIps) allIps.set(k, v);
    // the bundle id names the node (`netsnap-worker-1-20250115T100000Z`): output file names use it
    const id = pseudo ? pseudo.namesIn(raw.id) : raw.id;
    return { id, manifest, files, counts: counts.toRecord(), textFallbacks: fallbacks, textFallbackWhy: why };
  });
  const extras = new Map<string, Buffer>();
  if (opts.extras?.size) {
    const counts = new Counts();
    const pseudo = opts.pseudonymize ? new Pseudonyms(ips, names, counts) : undefined;
    for (const [path, buf] of opts.extras)
      extras.set(path, redactFile(path, buf, { key, counts }, pseudo, [], new Map()));
    if (pseudo) for (const [k, v] of pseudo.seenIps) allIps.set(k, v);
  }
  return {
    bundles,
    key,
    names: Object.fromEntries(names.forward),
    ips: Object.fromEntries([...allIps].sort()),
    extras,
  };
}

/** The entries to write for one redacted bundle (manifest first), for writeBundleArchive/Dir. */
export function redactedEntries(b: RedactedBundle): { path: string; data: Buffer }[] {
  const out: { path: string; data: Buffer }[] = [];
  if (b.manifest) out.push({ path: 'manifest.json', data: Buffer.from(`${JSON.stringify(b.manifest, null, 2)}\n`) });
  for (const [path, data] of [...b.files].sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))) out.push({ path, data });
  return out;
}
