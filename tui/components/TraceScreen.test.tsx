// The Trace screen at 80x24 on the demo: worker-1's real iptables-save, routes and addresses.
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from './App.js';
import { buildModel } from '../view-models/model.js';
import { demoLoadResult } from '../testing/demo-analysis.js';
import { KEY, frameOf, press, waitForFrame } from '../testing/ink.js';

const SIZE = { columns: 80, rows: 24 };
const demo = demoLoadResult();
const model = buildModel(demo);
afterEach(() => cleanup());

const lines = (f: string) => f.split('\n');
const selected = (f: string) => lines(f).find((l) => l.startsWith('›'));
const fits = (f: string) => lines(f).length <= 23 && lines(f).every((l) => l.length <= 80);

describe('Trace screen at 80x24', () => {
  it('t from the overview: pick web-1, filter to kube-dns, see both branches, open the DNAT rule', async () => {
    const app = render(<App model={model} title="demo" size={SIZE} />);
    await waitForFrame(app, (x) => x.includes('Root causes'));
    await press(app, 't');
    let f = await waitForFrame(app, (x) => x.includes('pick the source'), 'the source picker');
    expect(selected(f)).toMatch(/pod +default\/web-1 +10\.244\.1\.5 on worker-1/);
    expect(f).toMatch(/node +worker-1 +192\.168\.56\.11/);
    await press(app, KEY.ENTER);
    await waitForFrame(
      app,
      (x) => x.includes('Trace from default/web-1: pick the destination'),
      'the destination picker',
    );
    await press(app, '/', ...'kube-dns', KEY.ENTER);
    f = await waitForFrame(app, (x) => x.includes('filter: "kube-dns"'));
    expect(selected(f)).toMatch(/service +kube-system\/kube-dns:53\/UDP +10\.96\.0\.10/);
    await press(app, KEY.ENTER);
    f = await waitForFrame(app, (x) => x.includes('Branch 1/2'), 'the traced path');
    expect(fits(f)).toBe(true);
    expect(f).toContain("on worker-1's rules · 2 branches");
    expect(f).toMatch(/Branch 1\/2 +50\.0%/);
    // n jumps to the rule that decided branch 1: the DNAT to a kube-dns backend
    await press(app, 'n');
    f = frameOf(app);
    expect(selected(f)).toMatch(/▶ PREROUTING +nat\/KUBE-SEP-\w+ #2 +DNAT to 10\.244\.\d\.2:53 +L4[79]/);
    const line = Number(/L(\d+)\s*$/.exec(selected(f) ?? '')?.[1]);
    await press(app, KEY.ENTER);
    f = await waitForFrame(app, (x) => x.includes(`line ${line}/`), 'the viewer at the rule');
    expect(f).toMatch(new RegExp(`▶${line} │ -A KUBE-SEP-\\w+ -p udp`));
    await press(app, KEY.ESC);
    f = await waitForFrame(app, (x) => x.includes('Branch 1/2'), 'back on the trace');
    expect(selected(f)).toMatch(/DNAT to/);
  });

  it('tab moves to the next branch; the second backend is a local pod on cni0', async () => {
    const app = render(
      <App
        model={model}
        title="demo"
        size={SIZE}
        initialRoute={{ screen: 'trace', from: 'web-1', to: 'kube-system/kube-dns', port: 53 }}
      />,
    );
    await waitForFrame(app, (x) => x.includes('Branch 1/2'));
    await press(app, KEY.TAB);
    const f = frameOf(app);
    expect(selected(f)).toMatch(/Branch 2\/2 +50\.0% +✓ DELIVERED/);
    expect(lines(f)[lines(f).findIndex((l) => l.startsWith('›')) + 1]).toMatch(
      /⇒ delivered to pod 10\.244\.1\.2:53 on cni0/,
    );
  });

  it('a typed 8.8.8.8:53 leaves worker-1 un-NATed (the missing MASQUERADE); p switches to udp', async () => {
    const app = render(
      <App model={model} title="demo" size={SIZE} initialRoute={{ screen: 'trace', from: 'default/web-1' }} />,
    );
    await waitForFrame(app, (x) => x.includes('pick the destination'));
    await press(app, '/', ...'8.8.8.8:53', KEY.ENTER);
    let f = await waitForFrame(app, (x) => x.includes('the address you typed'));
    expect(selected(f)).toMatch(/address +8\.8\.8\.8:53/);
    await press(app, KEY.ENTER);
    f = await waitForFrame(app, (x) => x.includes('Branch 1/1'), 'the traced path');
    expect(f).toContain('tcp');
    await press(app, 'p');
    await waitForFrame(app, (x) => x.includes('port/proto: 53█'));
    await press(app, KEY.BACKSPACE, KEY.BACKSPACE, ...'53/udp', KEY.ENTER);
    f = await waitForFrame(app, (x) => /\(8\.8\.8\.8:53\) +udp/.test(x), 'the udp trace');
    expect(f).toMatch(/Branch 1\/1 +! FORWARDED/);
    expect(f).toMatch(/⇒ leaves via eth0 \(next hop 192\.168\.56\.1\) as 10\.244\.1\.5 → 8\.8\.8\.8:53/);
    expect(f).toContain("leaves with the pod's own source address 10.244.1.5");
    await press(app, 'n');
    // no MASQUERADE: the packet falls off nat/POSTROUTING with its policy
    expect(selected(frameOf(app))).toMatch(/▶ POSTROUTING +nat\/POSTROUTING +policy ACCEPT +L25/);
  });

  it(':trace with a Service that has no endpoints shows the REJECT rule as the decider', async () => {
    const app = render(<App model={model} title="demo" size={SIZE} />);
    await waitForFrame(app, (x) => x.includes('Root causes'));
    await press(app, ':', ...'trace web-1 default/web:80', KEY.ENTER);
    const f = await waitForFrame(app, (x) => x.includes('Branch 1/1'));
    expect(f).toMatch(/Branch 1\/1 +✗ REJECTED/);
    expect(f).toContain('⇒ rejected by filter/KUBE-SERVICES rule 1 (icmp-port-unreachable)');
    expect(f).toMatch(/▶ FORWARD +filter\/KUBE-SERVICES #1 +REJECT \(icmp-port-\S* +L17/);
    expect(f).toContain('-A KUBE-SERVICES -d 10.96.0.99/32 -p tcp');
  });

  it('says what is wrong with a request the tracer cannot resolve, and esc goes back', async () => {
    const app = render(<App model={model} title="demo" size={SIZE} />);
    await waitForFrame(app, (x) => x.includes('Root causes'));
    await press(app, ':', ...'trace nope 10.96.0.10', KEY.ENTER);
    const f = await waitForFrame(app, (x) => x.includes('cannot trace'));
    expect(f).toContain('--from "nope" is not a node, a pod or an IP address');
    await press(app, KEY.ESC);
    await waitForFrame(app, (x) => x.includes('Root causes'));
  });

  it('without an injected tracer the screen says tracing is unavailable', async () => {
    const { trace: _t, ...rest } = demo;
    const app = render(
      <App
        model={buildModel(rest)}
        title="demo"
        size={SIZE}
        initialRoute={{ screen: 'trace', from: 'web-1', to: '8.8.8.8' }}
      />,
    );
    await waitForFrame(app, (x) => x.includes('tracing is not available'));
  });
});
