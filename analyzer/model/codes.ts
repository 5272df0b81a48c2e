// Stable codes for LoadProblem.code, so bundle rules (BND-9xx) match on data, never on prose.

export const LOAD_PROBLEM_CODES = {
  /** a parser reported a problem with a line of the file */
  parse: 'parse',
  /** JSON that does not parse at all */
  badJson: 'bad-json',
  /** a list item (or a whole list / object) that does not fit the schema; `pointer` names it */
  schema: 'schema',
  /** bytes that are not valid UTF-8 or hold NUL bytes; the file still loads */
  encoding: 'encoding',
  /** a file too large to turn into one string */
  tooLarge: 'too-large',
  /** two bundles of the same node: the older one's host data is ignored */
  duplicateNode: 'duplicate-node',
  /** several bundles carry cluster data that disagrees (other cluster, other node set, much older) */
  clusterConflict: 'cluster-conflict',
  /** a bundle path given on the command line that cannot be opened at all */
  unreadable: 'unreadable',
} as const;

export type LoadProblemCode = (typeof LOAD_PROBLEM_CODES)[keyof typeof LOAD_PROBLEM_CODES];
