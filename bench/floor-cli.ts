// `node dist/bench/floor-cli.js <bundle.tar.gz>`: the floor (bench/floor.ts) as a whole process,
// so bench/versus.ts can time it from outside exactly like the CLI and the by-hand query.
import { runFloor } from './floor.js';

const [bundle] = process.argv.slice(2);
if (!bundle) {
  process.stderr.write('usage: floor-cli.js <bundle.tar.gz>\n');
  process.exit(2);
}
const r = await runFloor(bundle);
process.stdout.write(`${JSON.stringify(r)}\n`);
