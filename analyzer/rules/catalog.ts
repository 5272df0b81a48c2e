// The built-in rule catalog: every layer's registry, in layer order (bottom-up) and id order.
import type { Rule } from './types.js';
import { systemRules } from './system/index.js';
import { networkRules } from './network/index.js';
import { serviceRules } from './service/index.js';
import { dnsRules } from './dns/index.js';
import { bundleRules } from './bundle/index.js';
import { probeRules } from './probe/index.js';
import { registerCatalog } from './bundle/catalog-ref.js';

export const allRules: readonly Rule[] = [
  ...systemRules,
  ...networkRules,
  ...serviceRules,
  ...dnsRules,
  ...probeRules,
  ...bundleRules,
];
registerCatalog(allRules);

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.id === id);
}
