// Caps on a rule pack (docs/rule-packs.md "Limits", docs/security.md). Packs travel between teams
// and tickets, so a pack is untrusted input: every walk over it is bounded by these before the YAML
// composer, zod or the evaluator recurse over it.

/** a pack file's size in characters; real packs are a few KB */
export const MAX_PACK_CHARS = 1_048_576;
/** YAML/JSON collection nesting (maps and lists inside each other); the example pack needs 6 */
export const MAX_PACK_DEPTH = 64;
/** values in the parsed pack (after aliases are expanded) */
export const MAX_PACK_NODES = 200_000;
/** YAML alias expansion (the yaml library's maxAliasCount): stops "billion laughs" */
export const MAX_PACK_ALIASES = 100;
/** rules in one pack */
export const MAX_PACK_RULES = 1_000;
/** characters in one JSONPath */
export const MAX_PATH_CHARS = 1_000;
/** characters in one `matches` pattern (RE2 also refuses programs that compile too large) */
export const MAX_PATTERN_CHARS = 1_000;
/** `..` steps in one JSONPath: each one multiplies the walk by the data's depth */
export const MAX_PATH_DESCENTS = 2;
/** nesting of the Snapshot view packs read; deeper bundle values (Kubernetes objects nest ~20) read as null */
export const MAX_VIEW_DEPTH = 256;
