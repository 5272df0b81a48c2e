// resolv.conf parser with glibc's reading rules (resolv/res_init.c):
//  - a line whose first character is `#` or `;` is a comment;
//  - `nameserver ADDR` takes the first word only (glibc uses at most 3; all are kept here, rules
//    decide what the 4th means);
//  - `search` and `domain` are mutually exclusive and the last one wins; `domain X` means the
//    search list is just X, so it is stored as search [X] with its line;
//  - `options` lines accumulate; unknown keywords are ignored by glibc (reported as a warning,
//    because a typo such as `nameserve` silently drops a resolver).
import ipaddr from 'ipaddr.js';
import type { ResolvConf } from './types.js';
import type { Parsed, ParseProblem } from '../core/problem.js';
import { pushAll } from '../core/arrays.js';

/** ResolvConf plus which keyword set the search list (glibc treats `domain X` as `search X`). */
export interface ResolvConfParsed extends ResolvConf {
  readonly searchFrom?: 'search' | 'domain';
  readonly sortlist: readonly string[];
}

const KNOWN = new Set(['nameserver', 'search', 'domain', 'options', 'sortlist']);

function validAddress(addr: string): boolean {
  // an IPv6 link-local may carry a zone: fe80::1%eth0
  const bare = addr.includes('%') ? addr.slice(0, addr.indexOf('%')) : addr;
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || (bare.includes(':') && ipaddr.IPv6.isValid(bare));
}

export function parseResolvConf(text: string): Parsed<ResolvConfParsed> {
  const problems: ParseProblem[] = [];
  const nameservers: { address: string; line: number }[] = [];
  let search: string[] = [];
  let searchLine: number | undefined;
  let searchFrom: 'search' | 'domain' | undefined;
  const options: string[] = [];
  const sortlist: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.startsWith('#') || raw.startsWith(';')) continue;
    const words = raw
      .trim()
      .split(/[ \t]+/)
      .filter((w) => w !== '');
    const [keyword, ...args] = words;
    if (keyword === undefined) continue;
    if (!KNOWN.has(keyword)) {
      problems.push({
        line,
        message: `line ${line}: unknown keyword ${JSON.stringify(keyword.slice(0, 40))} is ignored by the resolver; expected nameserver, search, domain, options or sortlist`,
        severity: 'warning',
      });
      continue;
    }
    if (args.length === 0 && keyword !== 'search') {
      problems.push({ line, message: `line ${line}: "${keyword}" has no value and is ignored`, severity: 'warning' });
      continue;
    }
    switch (keyword) {
      case 'nameserver': {
        const address = args[0]!;
        if (!validAddress(address))
          problems.push({
            line,
            message: `line ${line}: nameserver ${JSON.stringify(address.slice(0, 60))} is not an IP address; the resolver skips it`,
            severity: 'warning',
          });
        nameservers.push({ address, line });
        break;
      }
      case 'search':
        search = args;
        searchLine = line;
        searchFrom = 'search';
        break;
      case 'domain':
        search = [args[0]!];
        searchLine = line;
        searchFrom = 'domain';
        break;
      case 'options':
        pushAll(options, args);
        break;
      case 'sortlist':
        pushAll(sortlist, args);
        break;
    }
  }
  const value: ResolvConfParsed = {
    nameservers,
    search,
    options,
    sortlist,
    ...(searchLine !== undefined ? { searchLine } : {}),
    ...(searchFrom !== undefined ? { searchFrom } : {}),
  };
  return { value, problems };
}

/** `options ndots:5 timeout:2` -> ndots 5; undefined when not set (glibc default is 1). */
export function resolvOption(conf: ResolvConf, name: string): string | true | undefined {
  let found: string | true | undefined;
  for (const opt of conf.options) {
    if (opt === name) found = true;
    else if (opt.startsWith(`${name}:`)) found = opt.slice(name.length + 1);
  }
  return found;
}
