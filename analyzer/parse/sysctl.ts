// host/sysctl.txt: `key = value` lines (what `sysctl key...` and `sysctl -a` print; `key=value`
// is accepted too). The collector writes only keys it could read, so a missing key means
// "unreadable or absent" (e.g. net.bridge.* before br_netfilter is loaded), never a default.
import type { Parsed, ParseProblem } from '../core/problem.js';
import type { SysctlEntry, Sysctls } from './types.js';

const PROC_SYS = '/proc/sys/';

/** `/proc/sys/net/ipv4/conf/eth0.100/rp_filter` → `net.ipv4.conf.eth0/100.rp_filter` (sysctl's own swap). */
function keyFromPath(path: string): string {
  let out = '';
  for (const ch of path.slice(PROC_SYS.length)) out += ch === '/' ? '.' : ch === '.' ? '/' : ch;
  return out;
}

export function parseSysctl(text: string): Parsed<Sysctls> {
  const value = new Map<string, SysctlEntry>();
  const problems: ParseProblem[] = [];
  const lines = text.split('\n');
  let lastKey: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    const lineNo = i + 1;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const follows = lastKey;
    lastKey = undefined;
    // sysctl's own error lines, if stderr was captured with the values
    const missing = /^sysctl: cannot stat \/proc\/sys\/(\S+?):/.exec(line);
    if (missing) {
      problems.push({
        line: lineNo,
        message: `${keyFromPath(PROC_SYS + (missing[1] as string))} could not be read (no such key on this kernel, or its module is not loaded)`,
        severity: 'warning',
      });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      problems.push({ line: lineNo, message: 'not a "key = value" line; ignored', severity: 'warning' });
      continue;
    }
    let key = line.slice(0, eq).trim();
    if (key.startsWith(PROC_SYS)) key = keyFromPath(key);
    if (/\s/.test(key)) {
      problems.push({
        line: lineNo,
        message: `"${key}" is not a sysctl key (it has spaces); ignored`,
        severity: 'warning',
      });
      continue;
    }
    const previous = value.get(key);
    const v = line.slice(eq + 1).trim();
    if (previous && follows === key) {
      // `sysctl -a` prints a multi-line value (dev.cdrom.info) as the key repeated on each line:
      // one value, its lines joined, cited at its first line
      value.set(key, { ...previous, value: `${previous.value}\n${v}` });
      lastKey = key;
      continue;
    }
    if (previous)
      problems.push({
        line: lineNo,
        message: `${key} appears again (first at line ${previous.line}); the last value is used`,
        severity: 'warning',
      });
    value.set(key, { key, value: v, line: lineNo });
    lastKey = key;
  }
  return { value, problems };
}
