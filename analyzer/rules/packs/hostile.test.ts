// Issue 19, rule packs: a pack is data from a stranger. The P group of the adversarial corpus (and
// jsonpath-plus's published advisories) must be refused at load with the file, the line and a hint,
// and must not run if one ever reached the evaluator; `matches` runs on RE2; nesting and size are
// capped before anything recurses. Hostile inputs are generated here, never committed.
import { MAX_JSON_DEPTH } from '../../core/json-depth.js';
import { JSONPath } from 'jsonpath-plus';
import { RE2JS } from 're2js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { kubeList, podJson, snapshotOf } from '../../model/testing.js';
import { runRules } from '../engine.js';
import { compilePack } from './compile.js';
import { MAX_PACK_CHARS, MAX_PACK_DEPTH, MAX_PACK_RULES, MAX_PATH_DESCENTS, MAX_VIEW_DEPTH } from './limits.js';
import { validatePack } from './load.js';
import { evaluatePath, pathProblem } from './path.js';
import { plainCopy, snapshotView } from './view.js';

declare global {
  // set by the payloads below if they ever ran
  var __netsnapPwned: unknown;
}

/** `code` with ( ) ' " written as \xNN, as the corpus hid them from naive checks */
const hex = (code: string) => code.replace(/[()'"]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
const CODE = 'globalThis.__netsnapPwned=1';

/** the P group: every form jsonpath-plus gives a meaning beyond plain steps */
const P: readonly { readonly name: string; readonly path: string; readonly script: boolean }[] = [
  {
    name: 'P1 corpus: computed member before the constructor check',
    path: `$..[?(@.constructor[( @.getPrototypeOf(@).constructor('Function${hex(`')('${CODE}`)}')() )])]`,
    script: true,
  },
  {
    name: 'P2 CVE-2024-21534: constructor.constructor in a filter',
    path: `$[?(@.constructor.constructor('${CODE}')())]`,
    script: true,
  },
  {
    name: "P3 CVE-2025-1302: [['constructor']] in a filter",
    path: `$..[?(p="${CODE}";a=''[['constructor']][['constructor']](p);a())]`,
    script: true,
  },
  { name: 'P4 __lookupGetter__ in a filter', path: `$..[?(@.__lookupGetter__('a'))]`, script: true },
  { name: 'P5 valueOf in a filter', path: '$..[?(@.valueOf() == 1)]', script: true },
  { name: 'P6 _$_root in a filter', path: '$..[?(_$_root.cluster)]', script: true },
  { name: 'P7 @property in a filter', path: '$.cluster.pods[?(@property == 0)]', script: true },
  { name: 'P8 @parent in a filter', path: '$.cluster.pods[?(@parent.length > 0)]', script: true },
  { name: 'P9 plain filter script', path: "$.cluster.pods[?(@.metadata.namespace === 'kube-system')]", script: true },
  { name: 'P10 computed member at the top', path: `$[(@.constructor.constructor('${CODE}')())]`, script: true },
  { name: 'P11 computed member inside quotes', path: `$['(@.constructor.constructor("${CODE}")())']`, script: true },
  { name: 'P12 filter inside quotes', path: `$.cluster['?(${CODE})']`, script: true },
  { name: 'P13 __proto__ step', path: '$.__proto__', script: false },
  { name: 'P14 constructor step', path: "$.cluster['constructor']", script: false },
  { name: 'P15 prototype by descent', path: '$..prototype', script: false },
  { name: 'P16 valueOf step', path: '$.cluster.valueOf', script: false },
  { name: 'P17 _$_root step', path: '$._$_root', script: false },
  { name: 'P18 @string() type selector', path: '$..*@string()', script: false },
  { name: 'P19 parent operator', path: '$.cluster.pods[0]^', script: false },
  { name: 'P20 property-name operator', path: '$.cluster.*~', script: false },
  { name: 'P21 __lookupGetter__ step', path: '$.cluster.__lookupGetter__', script: false },
];

const HINT = 'use `where`/`when` conditions instead of a filter script';

/** a one-rule pack; `field` decides where the hostile path goes; returns the text and that line */
function pack(
  field: 'select' | 'when' | 'where' | 'data' | 'evidence' | 'subject',
  path: string,
): { text: string; line: number } {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    'apiVersion: netsnap.dev/v1',
    'kind: RulePack',
    'name: hostile',
    'rules:',
    '  - id: SITE-001',
    '    slug: hostile',
    '    layer: service',
    '    title: Hostile',
    '    docs: { why: w, fix: f }',
    `    select: ${q(field === 'select' ? path : '$.cluster.pods[*]')}`,
    ...(field === 'where' ? [`    where: { path: ${q(path)}, op: exists }`] : []),
    `    subject: { kind: pod, name: ${q(field === 'subject' ? path : '$.metadata.name')} }`,
    `    when: { all: [ { path: "$.status.phase", op: eq, value: Pending }, { path: ${q(field === 'when' ? path : '$.metadata.name')}, op: exists } ] }`,
    '    message: "{name} is pending"',
    ...(field === 'data' ? [`    data: { x: ${q(path)} }`] : []),
    ...(field === 'evidence' ? [`    evidence: ${q(path)}`] : []),
  ];
  const marker = {
    select: 'select:',
    when: 'when:',
    where: 'where:',
    data: 'data:',
    evidence: 'evidence:',
    subject: 'subject:',
  }[field];
  return { text: `${lines.join('\n')}\n`, line: lines.findIndex((l) => l.trimStart().startsWith(marker)) + 1 };
}

const FIELD_AT = {
  select: 'rules.0.select',
  when: 'rules.0.when.all.1.path',
  where: 'rules.0.where.path',
  data: 'rules.0.data.x',
  evidence: 'rules.0.evidence',
  subject: 'rules.0.subject.name',
} as const;

function snap(pods: object[] = [podJson({ name: 'web', namespace: 'default', node: 'w1', phase: 'Pending' })]) {
  return snapshotOf({ node: 'w1', files: { 'cluster/pods.json': kubeList(pods) } });
}

afterEach(() => {
  globalThis.__netsnapPwned = undefined;
  vi.restoreAllMocks();
});

describe('a pack whose path is a script or reaches a built-in is refused at load (P group)', () => {
  for (const p of P) {
    for (const field of ['select', 'when', 'where', 'data', 'evidence', 'subject'] as const) {
      it(`${p.name}, as ${field}`, () => {
        const { text, line } = pack(field, p.path);
        const { pack: loaded, problems } = validatePack(text, 'p.yaml');
        expect(loaded).toBeUndefined();
        expect(problems).toHaveLength(1);
        expect(problems[0]!.startsWith(`p.yaml:${line}: ${FIELD_AT[field]}: `)).toBe(true);
        if (p.script) expect(problems[0]).toContain(HINT);
        expect(globalThis.__netsnapPwned).toBeUndefined();
      });
    }
  }

  it('the problems say what is wrong', () => {
    expect(pathProblem("$.cluster.pods[?(@.metadata.namespace === 'kube-system')]")).toBe(
      'a filter script at column 15 (`[?(@.metadata.namespace`); use `where`/`when` conditions instead of a filter script (scripts never run in packs; docs/rule-packs.md)',
    );
    expect(pathProblem('$.__proto__')).toBe('`__proto__` names a JavaScript built-in, not bundle data; refused');
    expect(pathProblem('$._$_root')).toBe('`_$_root` names a jsonpath-plus internal, not bundle data; refused');
  });

  it('plain paths still load', () => {
    for (const ok of [
      '$',
      '$.cluster.pods[*]',
      "$.hosts.*.sysctl['net.ipv4.ip_forward']",
      '$..name',
      "$.cluster.configMaps['kube-system/coredns']",
      '$.a[0]',
      '$.a[-1]',
      '$.a[0:2]',
      '$..[*]',
      '$["x"]',
      "$.metadata.labels['app.kubernetes.io/name']",
    ]) {
      expect([ok, pathProblem(ok)]).toEqual([ok, undefined]);
    }
  });
});

describe('belt and braces: a P path that reached the evaluator runs nothing', () => {
  const json = { cluster: { pods: [{ metadata: { name: 'a', namespace: 'kube-system' } }], x: 1 } };
  // jsonpath-plus runs every script through JSONPath.prototype._eval
  const proto = JSONPath.prototype as unknown as { _eval: (...a: unknown[]) => unknown };

  for (const p of P) {
    it(p.name, () => {
      const run = vi.spyOn(proto, '_eval');
      let out: unknown[] = [];
      try {
        out = evaluatePath(p.path, json).map((h) => h.value);
      } catch (err) {
        expect(String(err)).toMatch(/Eval \[\??\(expr\)\] prevented/);
      }
      expect(run).not.toHaveBeenCalled();
      expect(globalThis.__netsnapPwned).toBeUndefined();
      // nothing of JavaScript's own comes back as if it were bundle data
      expect(out.filter((v) => typeof v === 'function' || v === Object.prototype)).toEqual([]);
    });
  }

  // the control turns script evaluation on; spelled indirectly so a grep for it in code finds only real uses
  const SCRIPTS_ON = ['sa', 'fe'].join('') as 'safe';
  it('control: with script evaluation on, the script paths do reach the script runner (so the spy can see them)', () => {
    const run = vi.spyOn(proto, '_eval').mockImplementation(() => false);
    const reached = P.filter((p) => {
      run.mockClear();
      try {
        JSONPath({ path: p.path, json, eval: SCRIPTS_ON });
      } catch {
        // a mocked script result may not be a usable property name
      }
      return run.mock.calls.length > 0;
    }).map((p) => p.name);
    expect(reached).toEqual(P.filter((p) => p.script).map((p) => p.name));
  });
});

describe('matches runs on RE2', () => {
  const rule = (pattern: unknown) =>
    [
      'apiVersion: netsnap.dev/v1',
      'kind: RulePack',
      'name: re',
      'rules:',
      '  - id: SITE-001',
      '    slug: re',
      '    layer: service',
      '    title: Re',
      '    docs: { why: w, fix: f }',
      '    select: "$.cluster.pods[*]"',
      '    subject: { kind: pod, name: "$.metadata.name" }',
      `    when: { path: "$.metadata.name", op: matches, value: ${JSON.stringify(pattern)} }`,
      '    message: "{name} matches"',
      '',
    ].join('\n');

  it('the catastrophic ^([a-z0-9]+-?)*[a-z0-9]$ against a crafted 41-character name finishes', () => {
    const { pack: p, problems } = validatePack(rule('^([a-z0-9]+-?)*[a-z0-9]$'), 'p.yaml');
    expect(problems).toEqual([]);
    const name = `${'a'.repeat(40)}!`;
    expect(name).toHaveLength(41);
    const findings = runRules(
      compilePack(p!),
      snap([
        podJson({ name, namespace: 'default', node: 'w1' }),
        podJson({ name: 'web-1', namespace: 'default', node: 'w1' }),
      ]),
      {},
      { strict: true },
    );
    expect(findings.map((f) => [f.subject.name, f.status])).toEqual([
      [name, 'pass'],
      ['web-1', 'fail'],
    ]);
  }, 10_000);

  it('compiles each pattern once, at load, not per item', () => {
    const { pack: p } = validatePack(rule('^web-'), 'p.yaml');
    const rules = compilePack(p!);
    const compile = vi.spyOn(RE2JS, 'compile');
    const pods = Array.from({ length: 5 }, (_, i) => podJson({ name: `web-${i}`, namespace: 'default', node: 'w1' }));
    expect(runRules(rules, snap(pods), {}, { strict: true }).filter((f) => f.status === 'fail')).toHaveLength(5);
    expect(compile).not.toHaveBeenCalled();
  });

  it('a pattern RE2 cannot compile is refused with the file, the line and the pattern', () => {
    for (const bad of ['(a)\\1', '(?=web)web', '(?<!x)y', '[z-a]']) {
      const { problems } = validatePack(rule(bad), 'p.yaml');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^p\.yaml:12: rules\.0\.when\.value: RE2 cannot compile \//);
      expect(problems[0]).toContain(`/${bad}/`);
    }
    expect(validatePack(rule(5), 'p.yaml').problems).toEqual([
      'p.yaml:12: rules.0.when.value: `matches` needs a string value: a regular expression in RE2 syntax',
    ]);
  });
});

describe('nesting and size are capped with a clear problem, never a stack overflow', () => {
  const head = [
    'apiVersion: netsnap.dev/v1',
    'kind: RulePack',
    'name: deep',
    'rules:',
    '  - id: SITE-001',
    '    slug: deep',
    '    layer: service',
    '    title: Deep',
    '    docs: { why: w, fix: f }',
    '    select: "$.cluster.pods[*]"',
    '    subject: { kind: pod, name: "$.metadata.name" }',
    '    message: m',
  ].join('\n');
  const N = 100_000;
  const refusedDeep = (text: string, line: number) => {
    const { pack: p, problems } = validatePack(text, 'p.yaml');
    expect(p).toBeUndefined();
    expect(problems).toEqual([
      `p.yaml:${line}: nested more than ${MAX_PACK_DEPTH} levels deep; a pack needs a handful (flatten it)`,
    ]);
  };

  it('100,000 levels of {not: ...} in flow style', () => {
    refusedDeep(`${head}\n    when: ${'{not: '.repeat(N)}{path: "$.x", op: exists}${'}'.repeat(N)}\n`, 13);
  });
  it('100,000 levels of JSON', () => {
    refusedDeep(`${head}\n    when: ${'{"not":'.repeat(N)}{"path":"$.x","op":"exists"}${'}'.repeat(N)}\n`, 13);
  });
  it('100,000 levels of [ with no closing', () => {
    refusedDeep(`${head}\n    when: ${'['.repeat(N)}\n`, 13);
  });
  it('100,000 levels of block sequences on one line', () => {
    refusedDeep(`${head}\n    data:\n      x:\n        ${'- '.repeat(N)}y\n`, 15);
  });
  it('1,400 levels of indentation', () => {
    const lines = Array.from({ length: 1400 }, (_, i) => `${' '.repeat(6 + i)}not:`);
    const { problems } = validatePack(`${head}\n    when:\n${lines.join('\n')} {path: "$.x", op: exists}\n`, 'p.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^p\\.yaml:\\d+: nested more than ${MAX_PACK_DEPTH} levels deep`));
  });
  it('aliases that expand exponentially (billion laughs)', () => {
    const defs = ['    docs: { why: &a0 w, fix: f }'];
    for (let i = 1; i <= 12; i++)
      defs.push(
        `    x${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const { problems } = validatePack(
      `${head.replace('    docs: { why: w, fix: f }', defs.join('\n'))}\n    when: {path: "$.x", op: exists}\n`,
      'p.yaml',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^p\.yaml: .*aliases are capped at 100 expansions/);
  });
  it(`a pack over ${MAX_PACK_CHARS} characters`, () => {
    expect(validatePack(`# ${'x'.repeat(MAX_PACK_CHARS)}\n`, 'p.yaml').problems).toEqual([
      `p.yaml: ${MAX_PACK_CHARS + 3} characters is over the limit of ${MAX_PACK_CHARS} for a rule pack; split it into several --rules files`,
    ]);
  });
  it(`more than ${MAX_PACK_RULES} rules`, () => {
    const one = (i: number) =>
      `  - { id: SITE-${String(i).padStart(4, '0')}, slug: r, layer: service, title: t, docs: { why: w, fix: f }, select: "$.cluster.pods[*]", subject: { kind: pod }, when: { path: "$.x", op: exists }, message: m }`;
    const text = [
      'apiVersion: netsnap.dev/v1',
      'kind: RulePack',
      'name: many',
      'rules:',
      ...Array.from({ length: MAX_PACK_RULES + 1 }, (_, i) => one(i)),
    ].join('\n');
    const { problems } = validatePack(text, 'p.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^p\\.yaml:5: rules: .*at most ${MAX_PACK_RULES} rules in one pack`));
  });
  it('20 levels of not (within the cap) load and evaluate', () => {
    const { pack: p, problems } = validatePack(
      `${head}\n    when: ${'{not: '.repeat(20)}{path: "$.status.phase", op: eq, value: Pending}${'}'.repeat(20)}\n`,
      'p.yaml',
    );
    expect(problems).toEqual([]);
    expect(runRules(compilePack(p!), snap(), {}, { strict: true }).map((f) => f.status)).toEqual(['fail']);
  });
});

describe('the Snapshot view is built and walked with bounded recursion', () => {
  it('plainCopy is JSON.parse(JSON.stringify(v)) for ordinary values', () => {
    const v = {
      a: [1, undefined, Number.NaN, 'x', { b: null, c: undefined, d: new Date(0) }],
      e: true,
      f: () => 1,
      '10': 'n',
      g: {},
    };
    expect(plainCopy(v)).toEqual(JSON.parse(JSON.stringify(v)));
    expect(Object.keys(plainCopy(v) as object)).toEqual(Object.keys(JSON.parse(JSON.stringify(v)) as object));
  });

  it('a bundle key named __proto__ stays data, not a prototype', () => {
    const copy = plainCopy(JSON.parse('{"__proto__": {"polluted": 1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  // deeper than the view's cap but within what the model reads (a 100,000-deep file is refused at
  // load, before any pack sees it: test/fuzz/hostile-bounds.test.ts)
  const LEVELS = MAX_JSON_DEPTH - 10;
  it(`a pod nested ${LEVELS} levels deep: the pack still runs, values past ${MAX_VIEW_DEPTH} levels read as null`, () => {
    const deep = `${'{"x":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)}`;
    const pod = JSON.stringify(podJson({ name: 'web', namespace: 'default', node: 'w1', phase: 'Pending' })).replace(
      /^\{/,
      `{"deep":${deep},`,
    );
    const s = snapshotOf({
      node: 'w1',
      files: { 'cluster/pods.json': `{"apiVersion":"v1","kind":"List","items":[${pod}]}` },
    });
    const { text } = pack('select', '$.cluster.pods[*]');
    const { pack: p, problems } = validatePack(
      text.replace('{ path: "$.metadata.name", op: exists }', '{ path: "$..x", op: exists }'),
      'p.yaml',
    );
    expect(problems).toEqual([]);
    const findings = runRules(compilePack(p!), s, {}, { strict: true });
    expect(findings.map((f) => [f.subject.name, f.status, f.messageId])).toEqual([['web', 'fail', 'match']]);
    let node = (snapshotView(s).json as { cluster: { pods: { deep: unknown }[] } }).cluster.pods[0]!.deep as Record<
      string,
      unknown
    > | null;
    let depth = 4; // the view, cluster, the pods list, the pod; then one level per object of the chain
    while (node !== null && typeof node === 'object') {
      node = node.x as Record<string, unknown> | null;
      depth++;
    }
    expect([depth, node]).toEqual([MAX_VIEW_DEPTH, null]);
  }, 30_000);

  it(`more than ${MAX_PATH_DESCENTS} .. steps are refused`, () => {
    expect(pathProblem('$..a..b')).toBeUndefined();
    expect(pathProblem('$..a..b..c')).toBe(
      `3 \`..\` steps; at most ${MAX_PATH_DESCENTS} in one path (each multiplies the walk by the data's depth): name the steps between`,
    );
  });
});

describe('problems quote pack text inertly', () => {
  it('an escape sequence or bidi control in a path, a key or a pattern reaches no terminal raw', () => {
    const { text } = pack('data', '$.a\u001b]0;owned\u0007\u202e');
    const withKey = text.replace('data: { x:', 'data: { "k\u001b[2J": "$.b", x:');
    const { problems } = validatePack(withKey, 'p.yaml');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(problems.some((p) => p.includes('␛]0;owned\\x07\\u202e'))).toBe(true);
  });
});
