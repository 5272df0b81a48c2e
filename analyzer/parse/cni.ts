// CNI network configuration (/etc/cni/net.d/*): a .conflist (`plugins` array) or a single-plugin
// .conf, both normalised to a CniConfList. Also home of the JSON helpers the flannel parser
// shares: strict JSON.parse, with the line of a syntax error and the lines of keys.
import { LineCounter, parseDocument } from 'yaml';
import { collectKeyLines, yamlInputProblem } from './kube-config.js';
import type { CniConfList, CniPlugin } from './types.js';
import type { Parsed, ParseProblem } from '../core/problem.js';

export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Would `prefix` parse if more text followed? (V8 on Node 20 does not always say where JSON broke.) */
function viablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (err) {
    const msg = String((err as Error).message);
    if (msg.includes('Unexpected end of JSON input')) return true;
    const at = /at position (\d+)/.exec(msg);
    return at !== null && Number(at[1]) >= prefix.length;
  }
}

/** Offset of the first character that makes `text` invalid JSON. */
export function jsonErrorOffset(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  // binary search for the longest prefix that can still be completed: O(n log n) parses
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (viablePrefix(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface JsonLoaded {
  readonly value: unknown;
  readonly ok: boolean;
}

/** Strict JSON; a syntax error becomes an error problem naming the line. */
export function parseJsonText(text: string, what: string, problems: ParseProblem[]): JsonLoaded {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { value: JSON.parse(body), ok: true };
  } catch (err) {
    const message = String((err as Error).message);
    if (body.trim() === '') {
      problems.push({ line: 1, message: `${what} is empty; expected a JSON object`, severity: 'error' });
      return { value: undefined, ok: false };
    }
    const line = lineAt(body, jsonErrorOffset(body, message));
    problems.push({
      line,
      message: `${what} is not valid JSON (line ${line}): ${message.slice(0, 160)}; fix the file or re-collect it`,
      severity: 'error',
    });
    return { value: undefined, ok: false };
  }
}

/** Dotted key path -> line for a JSON text that parsed (JSON is YAML, so the yaml CST knows the lines). */
export function jsonKeyLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  if (yamlInputProblem(text)) return out; // see yamlInputProblem: the yaml CST could crash on it
  try {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, logLevel: 'silent' });
    collectKeyLines(doc.contents, lc, '', out);
  } catch {
    // lines are a convenience; the values came from JSON.parse
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseCniConf(text: string): Parsed<CniConfList> {
  const problems: ParseProblem[] = [];
  const { value: json, ok } = parseJsonText(text, 'CNI config', problems);
  if (!ok) return { value: { plugins: [] }, problems };
  if (!isObject(json)) {
    problems.push({
      line: 1,
      message: 'CNI config must be a JSON object with "type" (a .conf) or "plugins" (a .conflist)',
      severity: 'error',
    });
    return { value: { plugins: [] }, problems };
  }
  const lines = jsonKeyLines(text);
  const name = typeof json.name === 'string' ? json.name : undefined;
  const cniVersion = typeof json.cniVersion === 'string' ? json.cniVersion : undefined;
  let candidates: { obj: unknown; path: string }[];
  if (Array.isArray(json.plugins)) {
    candidates = json.plugins.map((obj, i) => ({ obj, path: `plugins.${i}` }));
    if (candidates.length === 0)
      problems.push({
        line: lines.get('plugins') ?? 1,
        message: 'CNI config list has an empty "plugins" array; the runtime cannot set up pod networking',
        severity: 'error',
      });
  } else if ('plugins' in json) {
    problems.push({
      line: lines.get('plugins') ?? 1,
      message: 'CNI config "plugins" must be an array',
      severity: 'error',
    });
    candidates = [];
  } else {
    // a single-plugin .conf: the whole object is the plugin
    candidates = [{ obj: json, path: '' }];
  }
  const plugins: CniPlugin[] = [];
  for (const { obj, path } of candidates) {
    const line = lines.get(path) ?? lines.get(path === '' ? 'type' : `${path}.type`) ?? 1;
    if (!isObject(obj) || typeof obj.type !== 'string' || obj.type === '') {
      problems.push({
        line,
        message: `CNI plugin ${path === '' ? '' : `${path} `}(line ${line}) has no "type"; the runtime rejects this config`,
        severity: 'error',
      });
      continue;
    }
    plugins.push(obj as CniPlugin);
  }
  if (name === undefined) problems.push({ line: 1, message: 'CNI config has no "name"', severity: 'warning' });
  return {
    value: { ...(name !== undefined ? { name } : {}), ...(cniVersion !== undefined ? { cniVersion } : {}), plugins },
    problems,
  };
}
