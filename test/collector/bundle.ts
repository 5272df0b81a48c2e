// Helpers for the collector tests: where the script is, how to run it, how to open what it wrote.
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { ManifestSchema, type Manifest, type SourceRecord } from '../../analyzer/bundle/manifest.js';
import { run } from '../helpers/netns.js';

export const SCRIPT = resolve(import.meta.dirname, '../../collector/netsnap-collect.sh');
export const REFERENCE = resolve(import.meta.dirname, '../../fixtures/reference/collector');

/** Shells the script must run under, each as argv prefix, with a reason when missing. */
export async function availableShells(): Promise<{ name: string; argv: string[] }[]> {
  const shells = [
    { name: 'dash', argv: ['dash'] },
    { name: 'bash', argv: ['bash', '--posix'] },
    { name: 'busybox', argv: ['busybox', 'sh'] },
  ];
  const out = [];
  for (const s of shells) {
    if ((await run(['sh', '-c', `command -v ${s.argv[0]}`])).code === 0) out.push(s);
    else console.log(`collector tests: ${s.name} not installed, not testing under it`);
  }
  return out;
}

export const hasCommand = async (name: string): Promise<boolean> =>
  (await run(['sh', '-c', `command -v ${name}`])).code === 0;

/** the folders tempDir made: removed after the test file (a full run used to leave ~1,700 in /tmp) */
const made: string[] = [];
// registered for each test file importing this module (vitest evaluates it once per file); the
// process's 'exit' event is no use here: vitest ends its fork workers without it
afterAll(() => {
  for (const dir of made.splice(0))
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: a folder a test made unremovable stays
    }
});

/** a fresh folder in the temp dir, removed after the test file */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export interface Unpacked {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly files: readonly string[];
  record(id: string): SourceRecord;
  text(path: string): string;
  json(path: string): unknown;
}

/** tar -xzf into a fresh directory; the manifest must validate against ManifestSchema. */
export async function unpack(tgz: string): Promise<Unpacked> {
  const dir = tempDir('netsnap-unpacked-');
  const r = await run(['tar', '-xzf', tgz, '-C', dir]);
  if (r.code !== 0) throw new Error(`tar -xzf ${tgz}: ${r.stderr}`);
  const raw: unknown = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`manifest.json does not validate: ${parsed.error.message}`);
  const manifest = parsed.data;
  return {
    dir,
    manifest,
    files: listFiles(dir),
    record(id) {
      const rec = manifest.sources.find((s) => s.id === id);
      if (!rec) throw new Error(`no source record ${id}`);
      return rec;
    },
    text: (path) => readFileSync(join(dir, path), 'utf8'),
    json: (path) => JSON.parse(readFileSync(join(dir, path), 'utf8')) as unknown,
  };
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

export const statusOf = (u: Unpacked): Record<string, string> =>
  Object.fromEntries(u.manifest.sources.map((s) => [s.id, s.status]));

/** The `#   <glob>` lines between the BEGIN/END READ-ONLY COMMANDS markers, as regexps. */
export function allowList(script: string): RegExp[] {
  const block = script.split('# BEGIN READ-ONLY COMMANDS\n')[1]?.split('# END READ-ONLY COMMANDS')[0] ?? '';
  return block
    .split('\n')
    .filter((l) => l.startsWith('#   '))
    .map((l) => {
      const glob = l.slice(4).trim();
      return new RegExp(
        `^${glob
          .split('*')
          .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
    });
}
