// host/modules.txt: /proc/modules (`br_netfilter 32768 0 - Live 0x0000000000000000`) or lsmod
// output (`Module  Size  Used by` header, then `br_netfilter  32768  0`). Only loadable modules
// appear: a module built into the kernel is absent here although its feature works.
import type { Parsed, ParseProblem } from '../core/problem.js';
import type { Modules } from './types.js';

const NAME = /^[A-Za-z0-9_-]+$/;
const SIZE = /^\d+$/;

export function parseModules(text: string): Parsed<Modules> {
  const value = new Map<string, { name: string; line: number }>();
  const problems: ParseProblem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    const lineNo = i + 1;
    if (line === '') continue;
    const words = line.split(/\s+/);
    const [name = '', size = ''] = words;
    if (name === 'Module' && size === 'Size') continue; // lsmod header
    if (!NAME.test(name) || !SIZE.test(size)) {
      problems.push({
        line: lineNo,
        message: 'not a /proc/modules or lsmod line (expected "name size ..."); ignored',
        severity: 'warning',
      });
      continue;
    }
    if (!value.has(name)) value.set(name, { name, line: lineNo });
  }
  return { value, problems };
}
