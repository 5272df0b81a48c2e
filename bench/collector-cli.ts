// `node dist/bench/collector-cli.js [S|M|L] [--keep bundle.tar.gz]`: the collector measurement (bench/collector.ts) alone,
// without loading any bundle in the analyzer, printing its row and the result as JSON.
import { collectorTable } from './table.js';
import { measureCollector } from './collector.js';
import { parseSizes, SIZES } from './sizes.js';

const [name = 'L'] = parseSizes(process.argv[2] ?? 'L');
const log = (m: string) => process.stderr.write(`bench collector: ${m}\n`);
const keepAt = process.argv.indexOf('--keep');
const keep = keepAt > 0 ? process.argv[keepAt + 1] : undefined;
const r = await measureCollector(SIZES[name], { log, keep });
process.stdout.write(`${collectorTable(r)}\n${JSON.stringify(r)}\n`);
if (r.error) process.exitCode = 1;
