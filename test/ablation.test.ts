// Ablation property (issue 12) over the even-indexed scenarios; test/ablation-2.test.ts takes the
// odd ones, so two workers share the re-analyses. The property and its budget: test/helpers/ablation.ts.
import { describeAblation } from './helpers/ablation.js';

describeAblation(0, 2);
