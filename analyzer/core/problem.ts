// Parse and load failures are data, never exceptions: each names the file and, where known, the line.

export interface LoadProblem {
  /** bundle id (see RawBundle.id); absent for problems about the command line itself */
  readonly bundle?: string;
  /** path inside the bundle (or the bundle's own path for whole-bundle problems) */
  readonly file: string;
  readonly line?: number;
  readonly message: string;
  /** error: the file (or part) could not be used; warning: used, with a caveat */
  readonly severity: 'error' | 'warning';
  /**
   * JSON pointer into `file` (e.g. `/items/12` for a bad list item, `/data/Corefile` for a config
   * embedded in a ConfigMap); when set, `line` is 1-based within the string at that pointer.
   */
  readonly pointer?: string;
  /** stable kind of problem, for rules to match on (see LOAD_PROBLEM_CODES in model/codes.ts) */
  readonly code?: string;
}

/** What a pure parser reports; the loader adds bundle and file to make a LoadProblem. */
export interface ParseProblem {
  readonly line?: number;
  readonly message: string;
  readonly severity?: 'error' | 'warning';
}

export interface Parsed<T> {
  readonly value: T;
  readonly problems: readonly ParseProblem[];
}
