// `node --expose-gc dist/bench/child.js <size> <bundle> <result.json>`: one size in a fresh
// process, so each size's peak RSS is its own.
import { writeFileSync } from 'node:fs';
import { measureSize } from './measure.js';
import { SIZES, type SizeName } from './sizes.js';

const [name, bundle, out, tuiFlag] = process.argv.slice(2);
const size = SIZES[name as SizeName];
if (!size || !bundle || !out) {
  process.stderr.write('usage: child.js <S|M|L> <bundle.tar.gz> <result.json> [--no-tui]\n');
  process.exit(2);
}
const result = await measureSize(size, bundle, { tui: tuiFlag !== '--no-tui' });
writeFileSync(out, JSON.stringify(result));
