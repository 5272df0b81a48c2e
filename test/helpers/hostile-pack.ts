// A rule pack whose every text field (title, docs, message, fix commands) carries `payload`: the
// hostile-output tests load it to check that pack strings are made inert in every output.
const yamlString = (s: string): string => JSON.stringify(s);

export function hostilePack(payload: string): string {
  return `apiVersion: netsnap.dev/v1
kind: RulePack
name: hostile
rules:
  - id: EVIL-001
    slug: evil
    layer: service
    title: ${yamlString(`title ${payload}`)}
    docs: { why: ${yamlString(`why ${payload}`)}, fix: ${yamlString(`fix ${payload}`)} }
    select: "$.cluster.pods[*]"
    subject: { kind: pod, name: "$.metadata.name", namespace: "$.metadata.namespace" }
    when: { path: "$.metadata.name", op: exists }
    message: ${yamlString(`{name} says ${payload}`)}
    remediation:
      explanation: ${yamlString(`explained ${payload}`)}
      commands: [${yamlString(`echo ${payload}`)}]
`;
}
