// `netsnap redact <bundle>... -o <out> [--pseudonymize] [--map <file>]`: write copies of bundles
// that are safe to attach to a ticket; `netsnap redact --reverse --map <file> [file]` translates
// text about a pseudonymized bundle back. The inputs are only read; the map never enters a bundle.
import { existsSync, promises as fsp } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeBundleArchive, writeBundleDir } from '../bundle/write.js';
import { redactBundles, redactedEntries, type RedactedBundle } from '../redact/bundle.js';
import { RedactKey } from '../redact/key.js';
import { MAP_FORMAT, readMapFile, reverseText, writeMapFile, type MapFile } from '../redact/map-file.js';
import { replaceNames } from '../redact/names.js';
import { inertLine } from '../text/inert.js';
import { HELP_OPTION, parseCommand, usageError } from './args.js';
import { loadInputs, reportSkipped } from './inputs.js';
import { COLLECTION_FILE } from '../bundle/collection-index.js';
import { findCollection } from '../model/collection.js';

const USAGE = `usage: netsnap redact <bundle>... -o <out> [--pseudonymize] [--map <file>]
       netsnap redact --reverse --map <file> [<text-file>] [-o <out>]

Writes a copy of each bundle with secrets replaced by consistent tokens (bearer tokens, JWTs,
passwords and keys in env values, flags and configs, basic-auth in URLs, PEM keys and
certificates, cloud access keys, last-applied-configuration, kubeconfig credentials). The input is
never changed. The manifest records that the copy was redacted and how many of each kind.

  -o, --output <out>  one bundle: <out>.tar.gz, <out>.tgz, <out>.tar, or a directory;
                      several bundles: a directory that receives one .tar.gz per bundle
  --pseudonymize      also rename nodes (in file names and bundle ids too), hostnames, user
                      namespaces, pods, Services, workloads and their generated names, and map
                      IP addresses keeping subnets, prefix lengths and special ranges; the map
                      is written to <out>.map.json (never into the bundle)
  --map <file>        the map to write, or to reuse (same key and names) when it exists: use one
                      map for all bundles of a cluster so they agree
  --reverse           translate a text (support's answer, a report) from pseudonyms back to the
                      real names and addresses, using --map; reads stdin when no file is given
  --force             overwrite <out> if it exists
  -h, --help          this help`;

interface Opts {
  out?: string;
  pseudonymize: boolean;
  map?: string;
  reverse: boolean;
  force: boolean;
}

/** one line `netsnap redact: <what>` and one hint line; exit 2 */
const fail = (what: string, hint?: string): number => usageError('redact', what, hint);

function outKind(out: string): 'tgz' | 'tar' | 'dir' {
  if (/\.(tar\.gz|tgz)$/i.test(out)) return 'tgz';
  if (/\.tar$/i.test(out)) return 'tar';
  return 'dir';
}

async function writeOne(out: string, b: RedactedBundle): Promise<void> {
  const entries = redactedEntries(b);
  const kind = outKind(out);
  if (kind === 'dir') await writeBundleDir(out, entries);
  else await writeBundleArchive(out, entries, { gzip: kind === 'tgz' });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function reverse(args: string[], o: Opts): Promise<number> {
  if (!o.map) return fail('--reverse needs --map <file>', 'the map written by netsnap redact --pseudonymize');
  const map = await readMapFile(o.map);
  if (args.length > 1) return fail('--reverse takes at most one text file');
  const text = args[0] && args[0] !== '-' ? await fsp.readFile(args[0], 'utf8') : await readStdin();
  const out = reverseText(text, map);
  if (o.out) await fsp.writeFile(o.out, out);
  else process.stdout.write(out);
  return 0;
}

/** Inputs must not be touched: refuse an output that is, contains or sits inside an input. */
function overlaps(out: string, inputs: readonly string[]): string | undefined {
  const o = resolve(out);
  return inputs.find((i) => {
    const r = resolve(i);
    return o === r || o.startsWith(`${r}/`) || r.startsWith(`${o}/`);
  });
}

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  out: { type: 'string' },
  pseudonymize: { type: 'boolean' },
  map: { type: 'string' },
  reverse: { type: 'boolean' },
  force: { type: 'boolean' },
  ...HELP_OPTION,
} as const;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand('redact', argv, OPTIONS, USAGE);
  if ('exit' in parsed) return parsed.exit;
  const v = parsed.values;
  if (v.output !== undefined && v.out !== undefined && v.output !== v.out)
    return fail('-o/--output and --out disagree', 'give one of them');
  const o: Opts = {
    out: v.output ?? v.out,
    pseudonymize: !!v.pseudonymize,
    map: v.map,
    reverse: !!v.reverse,
    force: !!v.force,
  };
  const inputs = parsed.positionals;
  if (o.reverse) return reverse(inputs, o);
  if (inputs.length === 0) return fail('no bundle given');
  if (!o.out) return fail('no output given', 'add -o <out.tar.gz> (the input is never changed in place)');
  const clash = overlaps(o.out, inputs);
  if (clash) return fail(`output ${o.out} overlaps the input ${clash}`, 'choose another -o');
  if (existsSync(o.out) && !o.force) return fail(`${o.out} exists`, 'choose another -o or add --force');

  const mapPath =
    o.map ??
    (o.pseudonymize ? `${o.out.replace(/[/\\]+$/, '').replace(/\.(tar\.gz|tgz|tar)$/i, '')}.map.json` : undefined);
  if (mapPath && overlaps(mapPath, [o.out]))
    return fail(
      `the map ${mapPath} must not be inside the output ${o.out}`,
      'it would be shared with the bundle; give --map elsewhere',
    );

  // what holds no readable bundle is named and skipped; nothing readable: exit 2, nothing written
  const loaded = await loadInputs(inputs.map((i) => resolve(i)));
  const none = reportSkipped('redact', loaded);
  if (none !== undefined) return none;
  const raws = loaded.raws;
  for (const r of raws)
    for (const p of r.problems)
      if (p.severity === 'error')
        process.stderr.write(
          `netsnap redact: warning: ${inertLine(r.origin)}: ${inertLine(p.file)}: ${inertLine(p.message)}\n`,
        );
  const old = mapPath && existsSync(mapPath) ? await readMapFile(mapPath) : undefined;
  const key = new RedactKey(old?.key);
  // `netsnap collect`'s index beside the bundles names nodes and bundles: redacted the same way
  const index = findCollection(inputs.map((i) => resolve(i)));
  const extras = new Map(index ? [[COLLECTION_FILE, index.bytes]] : []);
  const result = redactBundles(raws, { key, pseudonymize: o.pseudonymize, names: old?.names, extras });

  if (o.force && existsSync(o.out)) await fsp.rm(o.out, { recursive: true });
  const written: string[] = [];
  if (result.bundles.length === 1) {
    await writeOne(o.out, result.bundles[0]!);
    written.push(o.out);
  } else {
    await fsp.mkdir(o.out, { recursive: true });
    for (const b of result.bundles) {
      // b.id is already pseudonymized (the node's name in it too); replaceNames keeps a map reused from an earlier run
      const name = `${o.pseudonymize ? replaceNames(b.id, new Map(Object.entries(result.names))) : b.id}.tar.gz`;
      const target = join(o.out, basename(name));
      await writeOne(target, b);
      written.push(target);
    }
  }
  const redactedIndex = result.extras.get(COLLECTION_FILE);
  if (redactedIndex && result.bundles.length > 1) {
    await fsp.writeFile(join(o.out, COLLECTION_FILE), redactedIndex);
    process.stdout.write(`${join(o.out, COLLECTION_FILE)}: the collection index, redacted the same way\n`);
  }
  if (mapPath) {
    const map: MapFile = {
      format: MAP_FORMAT,
      version: 1,
      key: key.hex,
      createdAt: old?.createdAt ?? new Date().toISOString(),
      names: result.names,
      ips: { ...(old?.ips ?? {}), ...result.ips },
    };
    await fsp.mkdir(dirname(resolve(mapPath)), { recursive: true });
    await writeMapFile(mapPath, map);
  }
  for (const [i, b] of result.bundles.entries()) {
    const counts =
      Object.entries(b.counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'nothing found to replace';
    process.stdout.write(`${written[i]}: ${counts}\n`);
    for (const f of b.textFallbacks)
      process.stdout.write(
        `  ${f}: not read as JSON (${b.textFallbackWhy?.get(f) ?? 'not well-formed'}); redacted as plain text\n`,
      );
  }
  if (mapPath) process.stdout.write(`map: ${mapPath} (keep it; do not attach it: it undoes the pseudonyms)\n`);
  return 0;
}
