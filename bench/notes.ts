// What the profiles said about each target when it was last missed. Printed into
// docs/performance.md beside the measured miss; update when a profile says otherwise.
const NOTES: readonly (readonly [RegExp, string])[] = [];

export function missNote(target: string): string {
  for (const [re, note] of NOTES) if (re.test(target)) return note;
  return 'No profile recorded for this miss yet: run `node --cpu-prof dist/bench/child.js <size> <bundle> /tmp/r.json` and read the profile.';
}
