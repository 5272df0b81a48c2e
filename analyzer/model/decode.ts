// Bytes -> text for the parsers. Tools print UTF-8; a file that is not (a truncated write, a binary
// dropped in by hand) still loads, with U+FFFD in place of the bad bytes and a warning that says so.
import type { LoadProblem } from '../core/problem.js';
import { LOAD_PROBLEM_CODES } from './codes.js';

/** V8's string length limit is ~2^29 UTF-16 units; past it toString() throws. */
export const MAX_TEXT_BYTES = 0x1fffffe8;

const strict = new TextDecoder('utf-8', { fatal: true });

export interface Decoded {
  /** undefined when the file is too large to become one string */
  readonly text?: string;
  readonly problems: readonly LoadProblem[];
}

/** the problem of a file too large for one string (also for spilled files, without reading them) */
export function tooLargeForText(bytes: number, bundle: string, file: string): Decoded {
  return {
    problems: [
      {
        bundle,
        file,
        message: `${bytes} bytes is more than one string can hold, so this file was not parsed; collect it again with a smaller scope (e.g. one namespace)`,
        severity: 'error',
        code: LOAD_PROBLEM_CODES.tooLarge,
      },
    ],
  };
}

export function decodeText(buf: Buffer, bundle: string, file: string): Decoded {
  if (buf.length > MAX_TEXT_BYTES) return tooLargeForText(buf.length, bundle, file);
  const problems: LoadProblem[] = [];
  let text: string;
  try {
    text = strict.decode(buf);
  } catch {
    text = buf.toString('utf8');
    problems.push({
      bundle,
      file,
      line: lineOf(text, text.indexOf('\uFFFD')),
      message: 'not valid UTF-8; bad bytes were replaced with U+FFFD, so quoted evidence may differ from the file',
      severity: 'warning',
      code: LOAD_PROBLEM_CODES.encoding,
    });
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    problems.push({
      bundle,
      file,
      line: lineOf(text, nul),
      message: 'holds NUL bytes (binary or truncated write?); parsed as text anyway',
      severity: 'warning',
      code: LOAD_PROBLEM_CODES.encoding,
    });
  }
  return { text, problems };
}

/** 1-based line of a character offset; undefined for -1 */
function lineOf(text: string, offset: number): number | undefined {
  if (offset < 0) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
