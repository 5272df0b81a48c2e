// Refused entries, counted per kind: the first of a kind is a problem at once (with its cut name);
// the others only count, and a few of their names are kept as examples. At the end the first
// problem of each kind carries the count, so 1,000 refused entries are one problem, not 1,000.
import type { LoadProblem } from '../core/problem.js';
import { cutName } from './names.js';

const EXAMPLES = 3;
const EXAMPLE_SHOWN = 80;

interface Kind {
  /** index of the first problem of this kind in the problems list */
  readonly index: number;
  count: number;
  readonly examples: string[];
}

export class Refusals {
  private readonly kinds = new Map<string, Kind>();

  constructor(
    private readonly problems: LoadProblem[],
    private readonly bundle: string,
  ) {}

  /** record one refused entry; `kind` groups entries refused for the same reason */
  refuse(kind: string, name: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    const k = this.kinds.get(kind);
    if (k) {
      k.count++;
      if (k.examples.length < EXAMPLES) k.examples.push(cutName(name, EXAMPLE_SHOWN));
      return;
    }
    this.kinds.set(kind, { index: this.problems.length, count: 1, examples: [] });
    this.problems.push({ bundle: this.bundle, file: cutName(name), message, severity });
  }

  /** put the counts into the first problem of each kind that was seen more than once */
  finish(): void {
    for (const k of this.kinds.values()) {
      if (k.count === 1) continue;
      const p = this.problems[k.index];
      if (!p) continue;
      const more = k.count - 1 - k.examples.length;
      const also = [...k.examples, ...(more > 0 ? [`${more} more`] : [])].join(', ');
      this.problems[k.index] = { ...p, message: `${p.message}; refused ${k.count} entries like this (also: ${also})` };
    }
    this.kinds.clear();
  }
}
