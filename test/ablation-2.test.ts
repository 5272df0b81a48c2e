// Ablation property (issue 12) over the odd-indexed scenarios; test/ablation.test.ts takes the
// even ones. The property and its budget: test/helpers/ablation.ts.
import { describeAblation } from './helpers/ablation.js';

describeAblation(1, 2);
