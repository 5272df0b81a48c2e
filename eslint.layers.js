// The layer order, bottom to top (docs/design/layers.md is the prose). A module may import its own
// floor and the floors below it, never one above. eslint.config.js turns this into
// import-x/no-restricted-paths zones; test/lint/layers.test.ts plants an upward import to prove it.
export const LAYERS = [
  ['analyzer/core', 'analyzer/text', 'analyzer/zod'],
  ['analyzer/bundle', 'analyzer/parse'],
  ['analyzer/model'],
  ['analyzer/trace', 'analyzer/redact'],
  ['analyzer/rules'],
  ['analyzer/causal'],
  ['analyzer/report'],
  ['analyzer/diff', 'analyzer/collect', 'analyzer/alerts'],
  ['tui'],
  ['analyzer/commands'],
  ['analyzer/cli.ts'],
];

/** one zone per floor: its rooms may not import from any room on a higher floor */
export const layerZones = LAYERS.flatMap((floor, i) => {
  const above = LAYERS.slice(i + 1).flat();
  if (above.length === 0) return [];
  return floor.map((room) => ({
    target: `./${room}`,
    from: above.map((r) => `./${r}`),
    message: `layers: ${room} (floor ${i}) may not import from a floor above it; see docs/design/layers.md`,
  }));
});
