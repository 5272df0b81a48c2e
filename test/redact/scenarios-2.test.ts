// Issue 6, the odd-indexed scenarios: redacted plain and pseudonymized, each analyzes to the same
// findings and chains as the original (test/redact/scenario-redaction.ts); scenarios.test.ts takes
// the even ones.
import { describeScenarioRedaction } from './scenario-redaction.js';

describeScenarioRedaction(1, 2);
