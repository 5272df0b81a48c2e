// The bundle-layer rules, in id order. Each rule is one file named by its slug.
import type { Rule } from '../types.js';

export const bundleRules: readonly Rule[] = [];
