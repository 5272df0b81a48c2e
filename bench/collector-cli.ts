// `node dist/bench/collector-cli.js [S|M|L] [--keep bundle.tar.gz] [--into save.json]`: the collector
// measurement (bench/collector.ts) alone, without loading any bundle in the analyzer. Prints its
// table row and the result as JSON; --into sets the result as the collector of a `npm run bench
// --save` file, so `--redoc` can regenerate docs/performance.md with it after a --no-collector run.
import { readFileSync, writeFileSync } from 'node:fs';
import { collectorTable } from './table.js';
import { measureCollector } from './collector.js';
import { parseSizes, SIZES } from './sizes.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const [name = 'L'] = parseSizes(args[0]?.startsWith('--') ? 'L' : (args[0] ?? 'L'));
const into = option('--into');
// the doc's collector row and targets are for L only (bench/run.ts measures L)
if (into && name !== 'L') throw new Error(`--into takes an L measurement, not ${name}`);
const log = (m: string) => process.stderr.write(`bench collector: ${m}\n`);
const r = await measureCollector(SIZES[name], { log, keep: option('--keep') });
process.stdout.write(`${collectorTable(r)}\n${JSON.stringify(r)}\n`);
if (into) {
  const saved = JSON.parse(readFileSync(into, 'utf8')) as Record<string, unknown>;
  writeFileSync(into, JSON.stringify({ ...saved, collector: r }));
  log(`set the collector of ${into}; regenerate with: node dist/bench/run.js --redoc ${into}`);
}
if (r.error) process.exitCode = 1;
