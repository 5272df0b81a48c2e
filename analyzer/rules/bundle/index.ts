// The bundle-layer rules, in id order. Each rule is one file named by its slug.
import type { Rule } from '../types.js';
import { sourceNotCollected } from './source-not-collected.js';
import { fileNotParsed } from './file-not-parsed.js';
import { bundlesDisagree } from './bundles-disagree.js';
import { notAKubernetesNode } from './not-a-kubernetes-node.js';
import { nodeNotCollected } from './node-not-collected.js';

export const bundleRules: readonly Rule[] = [
  sourceNotCollected,
  fileNotParsed,
  bundlesDisagree,
  notAKubernetesNode,
  nodeNotCollected,
];
