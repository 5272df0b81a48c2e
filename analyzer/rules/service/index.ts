// The service-layer rules, in id order. Each rule is one file named by its slug.
import type { Rule } from '../types.js';

export const serviceRules: readonly Rule[] = [];
