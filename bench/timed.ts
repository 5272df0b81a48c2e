// Runs a script in this process and, on exit, writes "<wall s> <user s> <system s> <max RSS KiB>"
// to a file, like `/usr/bin/time -f '%e %U %S %M'`: the fallback of bench/hostile.ts where
// /usr/bin/time is missing. Usage: node timed.js USAGE_FILE SCRIPT [args...]
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [usageFile, script, ...rest] = process.argv.slice(2);
if (!usageFile || !script) throw new Error('usage: timed.js USAGE_FILE SCRIPT [args...]');
const started = performance.now();
process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(
    usageFile,
    `${((performance.now() - started) / 1000).toFixed(2)} ${(u.userCPUTime / 1e6).toFixed(2)} ${(u.systemCPUTime / 1e6).toFixed(2)} ${u.maxRSS}\n`,
  );
});
process.argv = [process.argv[0]!, script, ...rest];
await import(pathToFileURL(script).href);
