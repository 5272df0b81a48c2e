// Issue 6, the even-indexed scenarios: redacted plain and pseudonymized, each analyzes to the same
// findings and chains as the original (test/redact/scenario-redaction.ts); scenarios-2.test.ts takes
// the odd ones so two workers share the work.
import { describeScenarioRedaction } from './scenario-redaction.js';

describeScenarioRedaction(0, 2);
