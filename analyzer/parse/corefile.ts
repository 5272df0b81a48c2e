// Corefile parser. CoreDNS reads its Corefile with a fork of the Caddy v1 "caddyfile" lexer and
// parser (github.com/coredns/caddy); this file follows their rules so that what we see is what
// CoreDNS sees:
//  - tokens are separated by whitespace; `"..."` quotes a token (only `\"` is an escape);
//  - `#` outside quotes starts a comment up to the end of the line (Caddy v1 does this even in
//    the middle of a token);
//  - `{` and `}` are structural only as whole unquoted tokens, so `{$VAR}` stays a literal word;
//  - a server block starts with keys on one line (a trailing comma continues them on the next),
//    then `{ ... }`; a single server block may omit the braces;
//  - a directive is the tokens up to the end of its line; a `{` (even on the next line) opens its
//    nested block; `(name) { ... }` defines a snippet; `import x` is kept as a directive, never
//    expanded (the imported files are not in the bundle).
import type { Corefile, CorefileDirective, CorefileServer } from './types.js';
import type { Parsed, ParseProblem } from '../core/problem.js';
import { pushAll } from '../core/arrays.js';

interface Token {
  readonly text: string;
  readonly line: number;
  /** line on which the token ends (a quoted token may span lines) */
  readonly endLine: number;
  readonly quoted: boolean;
}

export function tokenizeCorefile(text: string, problems: ParseProblem[]): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
      continue;
    }
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (ch === '"') {
      const start = line;
      let val = '';
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (c === '\\' && text[i + 1] === '"') {
          val += '"';
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\n') line++;
        val += c;
        i++;
      }
      if (!closed)
        problems.push({
          line: start,
          message: `quote opened on line ${start} is never closed; add the closing "`,
          severity: 'error',
        });
      tokens.push({ text: val, line: start, endLine: line, quoted: true });
      continue;
    }
    let j = i;
    while (j < n) {
      const c = text[j]!;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v' || c === '#') break;
      j++;
    }
    tokens.push({ text: text.slice(i, j), line, endLine: line, quoted: false });
    i = j;
  }
  return tokens;
}

const MAX_DEPTH = 64;

const isOpen = (t: Token | undefined): boolean => t !== undefined && !t.quoted && t.text === '{';
const isClose = (t: Token | undefined): boolean => t !== undefined && !t.quoted && t.text === '}';

export interface CorefileSnippet {
  readonly name: string;
  readonly line: number;
  readonly plugins: readonly CorefileDirective[];
}

/** The contract's Corefile plus what Caddy keeps outside server blocks. */
export interface CorefileParsed extends Corefile {
  readonly snippets: readonly CorefileSnippet[];
  /** `import` lines outside any server block (e.g. `import /etc/coredns/custom/*.server`) */
  readonly imports: readonly CorefileDirective[];
}

class CorefileParser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly problems: ParseProblem[],
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private newLineAt(k: number): boolean {
    const prev = this.tokens[k - 1];
    const cur = this.tokens[k];
    return prev === undefined || (cur !== undefined && cur.line > prev.endLine);
  }

  parseAll(): CorefileParsed {
    const servers: CorefileServer[] = [];
    const snippets: CorefileSnippet[] = [];
    const imports: CorefileDirective[] = [];
    while (this.pos < this.tokens.length) {
      const tok = this.peek()!;
      if (isClose(tok)) {
        this.problems.push({
          line: tok.line,
          message: `unexpected '}' on line ${tok.line} with no matching '{'; remove it or add the missing '{'`,
          severity: 'error',
        });
        this.pos++;
        continue;
      }
      if (!tok.quoted && tok.text === 'import' && this.newLineAt(this.pos)) {
        imports.push(this.directive());
        continue;
      }
      const keysLine = tok.line;
      const keys = this.keys();
      const snippet = keys.length === 1 && keys[0]!.startsWith('(') && keys[0]!.endsWith(')');
      let plugins: CorefileDirective[] = [];
      if (isOpen(this.peek())) {
        const open = this.peek()!;
        this.pos++;
        plugins = this.block(open);
      } else if (this.pos < this.tokens.length) {
        // Caddy: a single server block may omit its braces; everything to EOF is its body.
        plugins = this.directives(undefined);
      }
      if (snippet) snippets.push({ name: keys[0]!.slice(1, -1), line: keysLine, plugins });
      else if (keys.length > 0)
        servers.push({ keys: keys.map((k) => parseServerKey(k, keysLine, this.problems)), line: keysLine, plugins });
    }
    return { servers, snippets, imports };
  }

  /** Server block keys: the rest of the line, continued onto the next line after a trailing comma. */
  private keys(): string[] {
    const keys: string[] = [];
    let expectingAnother = false;
    while (this.pos < this.tokens.length) {
      const tok = this.peek()!;
      if (isOpen(tok)) {
        if (expectingAnother)
          this.problems.push({
            line: tok.line,
            message: `expected another server key before '{' on line ${tok.line}; remove the trailing comma`,
            severity: 'error',
          });
        return keys;
      }
      let text = tok.text;
      expectingAnother = text.endsWith(',');
      if (expectingAnother) text = text.slice(0, -1);
      for (const part of text.split(',')) if (part !== '') keys.push(part);
      this.pos++;
      if (!expectingAnother && this.newLineAt(this.pos)) return keys;
    }
    return keys;
  }

  /** Body of `{ ... }` whose `{` was just consumed; reports an unclosed brace by the line of its `{`. */
  private block(open: Token): CorefileDirective[] {
    if (this.depth >= MAX_DEPTH) {
      // garbage like 10,000 nested braces must not blow the stack; skip to the matching `}`
      this.problems.push({
        line: open.line,
        message: `blocks nested deeper than ${MAX_DEPTH} levels at line ${open.line}; the inner ones are skipped`,
        severity: 'error',
      });
      this.skipBlock();
      return [];
    }
    this.depth++;
    const list = this.directives(open);
    this.depth--;
    if (isClose(this.peek())) this.pos++;
    else
      this.problems.push({
        line: open.line,
        message: `'{' on line ${open.line} is never closed; add the missing '}'`,
        severity: 'error',
      });
    return list;
  }

  private skipBlock(): void {
    let nesting = 1;
    while (this.pos < this.tokens.length && nesting > 0) {
      const tok = this.peek()!;
      if (isOpen(tok)) nesting++;
      else if (isClose(tok)) nesting--;
      this.pos++;
    }
  }

  /** Directives up to (not including) the `}` closing `open`, or to EOF when there is no `open`. */
  private directives(open: Token | undefined): CorefileDirective[] {
    const list: CorefileDirective[] = [];
    while (this.pos < this.tokens.length) {
      const tok = this.peek()!;
      if (isClose(tok)) {
        if (open) return list;
        this.problems.push({
          line: tok.line,
          message: `unexpected '}' on line ${tok.line} with no matching '{'; remove it or add the missing '{'`,
          severity: 'error',
        });
        this.pos++;
        continue;
      }
      if (isOpen(tok)) {
        // a `{` with no directive before it: keep its contents, flag it
        this.problems.push({
          line: tok.line,
          message: `'{' on line ${tok.line} does not follow a directive`,
          severity: 'error',
        });
        this.pos++;
        pushAll(list, this.block(tok));
        continue;
      }
      list.push(this.directive());
    }
    return list;
  }

  /** One directive: name, args to the end of its line, and an optional nested block. */
  private directive(): CorefileDirective {
    const nameTok = this.peek()!;
    this.pos++;
    const args: string[] = [];
    while (this.pos < this.tokens.length) {
      const tok = this.peek()!;
      if (isOpen(tok)) {
        this.pos++;
        return { name: nameTok.text, args, line: nameTok.line, block: this.block(tok) };
      }
      if (this.newLineAt(this.pos) || isClose(tok)) break;
      args.push(tok.text);
      this.pos++;
    }
    return { name: nameTok.text, args, line: nameTok.line };
  }
}

/** `dns://.:53` -> {scheme: "dns", zone: ".", port: 53}; `example.org` -> {zone: "example.org"}. */
export function parseServerKey(
  key: string,
  line: number,
  problems: ParseProblem[],
): { zone: string; port?: number; scheme?: string } {
  let rest = key;
  let scheme: string | undefined;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  }
  let zone = rest;
  let port: number | undefined;
  const colon = rest.lastIndexOf(':');
  // `[::1]:53` style or a plain `zone:port`; an IPv6 reverse CIDR key has no port
  if (colon >= 0 && !rest.slice(colon + 1).includes(']')) {
    const portText = rest.slice(colon + 1);
    if (/^\d+$/.test(portText) && Number(portText) <= 65535) {
      port = Number(portText);
      zone = rest.slice(0, colon);
    } else if (!portText.includes('{$') && !rest.includes('::')) {
      problems.push({
        line,
        message: `server key "${key}" on line ${line} has an invalid port "${portText}"; use zone:port, e.g. .:53`,
        severity: 'warning',
      });
      zone = rest.slice(0, colon);
    }
  }
  if (zone === '') zone = '.'; // CoreDNS normalises an empty zone (":53") to the root zone
  return scheme === undefined
    ? port === undefined
      ? { zone }
      : { zone, port }
    : port === undefined
      ? { zone, scheme }
      : { zone, port, scheme };
}

export function parseCorefile(text: string): Parsed<CorefileParsed> {
  const problems: ParseProblem[] = [];
  try {
    const tokens = tokenizeCorefile(text, problems);
    return { value: new CorefileParser(tokens, problems).parseAll(), problems };
  } catch (err) {
    // defensive: a parser bug must become a problem, never an exception for the loader
    problems.push({ message: `Corefile parser failed: ${String(err)}`, severity: 'error' });
    return { value: { servers: [], snippets: [], imports: [] }, problems };
  }
}

/** Depth-first list of every directive named `name` in a server (including nested blocks). */
export function findDirectives(plugins: readonly CorefileDirective[], name: string): CorefileDirective[] {
  const out: CorefileDirective[] = [];
  for (const p of plugins) {
    if (p.name === name) out.push(p);
    if (p.block) pushAll(out, findDirectives(p.block, name));
  }
  return out;
}
