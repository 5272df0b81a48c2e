// `node scripts/bundle.mjs`: bundles tsc's output (dist/analyzer/cli.js and the archive-reading
// worker) into dist/bundle/, the files the package's `bin` runs. Node 20 has no module compile
// cache: the tsc layout opens ~400 modules per `analyze` (rules, zod, yaml), ~0.4 s of CPU on
// every run; bundled, ~30 files (docs/cli.md, "Start-up"). Bundling tsc's JavaScript rather than the TypeScript
// keeps exactly the code the tests run. Dynamic imports stay split (one chunk per command, rule
// packs, the TUIs); ink and react stay external, loaded from node_modules only when a TUI starts.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { build } from 'rolldown';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
export const OUT = join(DIST, 'bundle');

/** the bundle's entries: the CLI and every file started as a worker (`new Worker` in analyzer/) */
export const ENTRIES = {
  netsnap: join(DIST, 'analyzer', 'cli.js'),
  // read-in-worker.ts starts `new URL('./read-worker.js', import.meta.url)`: the output is flat
  // (no chunk folders), so that URL resolves to this entry from whichever chunk holds the caller
  'read-worker': join(DIST, 'analyzer', 'bundle', 'read-worker.js'),
  // the terminal UI, which analyze imports by path (commands/analyze.ts looks for ./tui-start.js)
  'tui-start': join(DIST, 'tui', 'start.js'),
};

// the TUIs' libraries: large, loaded only on a TTY, and dependencies of the package anyway
const EXTERNAL = /^(ink|react|react-dom|react-devtools-core|yoga-layout)(\/|$)/;

// hands rolldown tsc's source map with each file, so the bundle's maps point at the TypeScript
const tscSourceMaps = {
  name: 'tsc-source-maps',
  load(id) {
    if (!id.startsWith(DIST + '/') || !id.endsWith('.js') || !existsSync(id + '.map')) return null;
    const code = readFileSync(id, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
    return { code, map: readFileSync(id + '.map', 'utf8') };
  },
};

export async function bundle(out = OUT) {
  rmSync(out, { recursive: true, force: true });
  await build({
    input: ENTRIES,
    platform: 'node',
    external: EXTERNAL,
    plugins: [tscSourceMaps],
    logLevel: 'warn',
    output: {
      dir: out,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
      // read only under `node --enable-source-maps`; they point at the TypeScript sources
      sourcemap: true,
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle(process.argv[2] ?? OUT);
