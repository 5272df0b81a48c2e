// What completion reads from a help text: flags, the value choices written `a|b|c`, a short beside
// its long, positional choices from the usage line.
import { describe, expect, it } from 'vitest';
import { commandsFromHelp, specFromHelp } from '../../analyzer/commands/completion.js';

const HELP = `usage: netsnap thing [-o FILE] [options] <bundle>...
       netsnap thing --demo

options:
  --format text|json              print a report in this format (--json = --format json)
  -o, --output FILE               write it to FILE
  --fail-on critical|warning|never
  --from X                        a pod
  -v, --verbose                   more
  -h, --help`;

describe('specFromHelp', () => {
  it('reads flags, values, choices and shorts from the help text', () => {
    const s = specFromHelp('thing', 'does a thing', HELP);
    const by = new Map(s.flags.map((f) => [f.long ?? `-${f.short ?? ''}`, f]));
    expect([...by.keys()].sort()).toEqual(['demo', 'fail-on', 'format', 'from', 'help', 'json', 'output', 'verbose']);
    expect(by.get('format')).toEqual({ long: 'format', takesValue: true, choices: ['text', 'json'] });
    expect(by.get('fail-on')?.choices).toEqual(['critical', 'warning', 'never']);
    expect(by.get('output')).toMatchObject({ short: 'o', takesValue: true });
    expect(by.get('from')).toMatchObject({ takesValue: true });
    expect(by.get('verbose')).toMatchObject({ short: 'v', takesValue: false });
    expect(by.get('json')?.takesValue).toBe(false);
    expect(s.choices).toBeUndefined();
  });

  it('takes positional choices from the usage line', () => {
    expect(specFromHelp('completion', '', 'usage: netsnap completion bash|zsh|fish\n').choices).toEqual([
      'bash',
      'zsh',
      'fish',
    ]);
  });

  it('lists the commands of `netsnap -h`', () => {
    const top = 'usage: netsnap <command>\n\ncommands:\n  inspect    show\n  completion print x\n\nRun ...';
    expect(commandsFromHelp(top)).toEqual([
      { name: 'inspect', summary: 'show' },
      { name: 'completion', summary: 'print x' },
    ]);
  });
});
