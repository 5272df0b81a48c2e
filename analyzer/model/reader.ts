// One bundle's files as text, parsed on request, with every problem turned into a LoadProblem that
// names the bundle and file. Shared by host.ts and cluster.ts.
import type { RawBundle } from '../bundle/types.js';
import type { LoadProblem, Parsed } from '../core/problem.js';
import type { Sourced } from './types.js';
import { decodeText, MAX_TEXT_BYTES, tooLargeForText } from './decode.js';
import { entryOf, entryPaths, hasEntry, wholeBytes } from '../bundle/entries.js';
import { LOAD_PROBLEM_CODES } from './codes.js';
import { jsonNestingExceeds, jsonTooDeepMessage } from '../core/json-depth.js';
import { lowerBound, pushAll } from '../core/arrays.js';

/**
 * For pointer lookups (FileIndex): JSON files larger than this have only the named item parsed
 * from the bytes; smaller ones are parsed whole once and kept, so keep it modest.
 */
export const LARGE_JSON_BYTES = 64 * 1024 * 1024;

/**
 * For loading: JSON files larger than this are read item by item (json-items.ts) instead of one
 * JSON.parse of the whole text, which V8 cannot do past ~512 MB. Below it one JSON.parse is
 * faster (15,000 pods, 81 MB: 0.57 s against 0.88 s item by item) and its text is dropped after.
 */
export const WHOLE_JSON_MAX_BYTES = 256 * 1024 * 1024;

export class BundleReader {
  readonly problems: LoadProblem[] = [];
  private sorted: string[] | undefined;

  constructor(
    readonly raw: RawBundle,
    readonly largeJsonBytes = WHOLE_JSON_MAX_BYTES,
  ) {}

  get id(): string {
    return this.raw.id;
  }

  has(path: string): boolean {
    return hasEntry(this.raw, path);
  }

  /** paths under a folder prefix such as `host/cni/`, sorted */
  under(prefix: string): string[] {
    // sorted once per reader (a bundle's files do not change after reading): the paths under a
    // prefix are one run of it, found by binary search. Copying and sorting every path on each of
    // the ~13 calls cost ~70 ms at M.
    const all = (this.sorted ??= entryPaths(this.raw).sort());
    const out: string[] = [];
    for (let i = lowerBound(all, prefix); i < all.length && (all[i] as string).startsWith(prefix); i++)
      out.push(all[i] as string);
    return out;
  }

  /** the file as text; undefined (with a problem) when absent or too large; a spilled file is read back (transient) */
  text(path: string, bytes?: Buffer): string | undefined {
    // `bytes`: the file's bytes when the caller already read a spilled file back
    const e = bytes ?? entryOf(this.raw, path);
    if (!e) return undefined;
    const decoded =
      e.length > MAX_TEXT_BYTES
        ? tooLargeForText(e.length, this.raw.id, path)
        : decodeText(wholeBytes(e) as Buffer, this.raw.id, path);
    pushAll(this.problems, decoded.problems);
    return decoded.text;
  }

  /** parse a file; the parser's problems become LoadProblems for this file */
  parse<T>(path: string, parser: (text: string) => Parsed<T>): Sourced<T> | undefined {
    const text = this.text(path);
    if (text === undefined) return undefined;
    const parsed = parser(text);
    this.addParseProblems(parsed, path);
    return { value: parsed.value, ref: { bundle: this.raw.id, path } };
  }

  /** problems of a parser run on text embedded at `pointer` in `path` (lines are within that text) */
  addParseProblems(parsed: Parsed<unknown>, path: string, pointer?: string): void {
    for (const p of parsed.problems) {
      this.problems.push({
        bundle: this.raw.id,
        file: path,
        ...(p.line !== undefined ? { line: p.line } : {}),
        ...(pointer !== undefined ? { pointer } : {}),
        message: p.message,
        severity: p.severity ?? 'error',
        code: LOAD_PROBLEM_CODES.parse,
      });
    }
  }

  /** JSON.parse with a problem naming the file (and the line, when the engine says where) */
  json(path: string): unknown {
    const text = this.text(path);
    if (text === undefined) return undefined;
    try {
      const doc = JSON.parse(text) as unknown;
      if (jsonNestingExceeds(doc)) {
        this.problems.push({
          bundle: this.raw.id,
          file: path,
          message: jsonTooDeepMessage(),
          severity: 'error',
          code: LOAD_PROBLEM_CODES.badJson,
        });
        return undefined;
      }
      return doc;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.problems.push({
        bundle: this.raw.id,
        file: path,
        ...lineOfJsonError(text, message),
        message: `not valid JSON (${message}); was the kubectl output cut short? Collect again`,
        severity: 'error',
        code: LOAD_PROBLEM_CODES.badJson,
      });
      return undefined;
    }
  }
}

/** V8 says "... at position 123" (and newer ones "(line 4 column 2)"); turn that into a line. */
function lineOfJsonError(text: string, message: string): { line?: number } {
  const lineCol = /line (\d+) column \d+/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) {
    // "Unexpected end of JSON input": the file stops early, so blame its last line
    if (/end of JSON input/i.test(message)) return { line: Math.max(1, text.replace(/\n$/, '').split('\n').length) };
    return {};
  }
  const offset = Number(pos[1]);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return { line };
}
