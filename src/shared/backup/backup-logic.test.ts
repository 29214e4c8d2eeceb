import { describe, expect, it } from 'vitest';
import { RestoreInputSchema, type BackupItem } from '../model/backup';
import { diffDefinitions } from './diff';
import { domainFile, escapeName, isSafeArchivePath, networkFile } from './paths';
import { planRestore, type PlanLive, type PlanSource } from './plan';
import { domainRefs, rewriteDomain, rewriteNetwork } from './rewrite';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const dom = (name: string, uuid = U1, net = 'lan', extra = '') => `<domain type='qemu'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='KiB'>98304</memory>
  <metadata><vd:tags xmlns:vd="https://virtdeck.dev/xmlns/domain/1"><vd:tag>prod</vd:tag></vd:tags></metadata>
  <devices>
    <disk type='file' device='disk'><source file='/srv/pool-a/${uuid}.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='volume' device='disk'><source pool='pool-a' volume='data.qcow2'/><target dev='vdb' bus='virtio'/></disk>
    <interface type='network'><mac address='52:54:00:aa:bb:cc'/><source network='${net}' portgroup='pg'/><model type='virtio'/></interface>${extra}
  </devices>
</domain>`;
const netXml = (name: string, uuid = U2, hosts = "<host mac='52:54:00:aa:bb:cc' ip='10.1.0.50'/>") =>
  `<network><name>${name}</name><uuid>${uuid}</uuid><bridge name='virbr9'/><mac address='52:54:00:00:00:01'/><ip address='10.1.0.1' prefix='24'><dhcp><range start='10.1.0.100' end='10.1.0.200'/>${hosts}</dhcp></ip></network>`;
const poolXml = (name: string, dir: string) => `<pool type='dir'><name>${name}</name><uuid>${U2}</uuid><target><path>${dir}</path></target></pool>`;

const item = (kind: BackupItem['kind'], key: string, name: string, active = false): BackupItem => ({ kind, hostId: 'h1', key, name, file: 'x', active, autostart: false });
const live = (name: string, xml: string, active = false): PlanLive => ({ key: name, name, xml, active });

describe('archive member names', () => {
  it('escapes hostile names reversibly into a safe alphabet', () => {
    const names = [`a"b'c`, '../../etc/passwd', '$(rm -rf /);\\', '名前', '.', '..', 'a b', ''];
    const files = names.map(escapeName);
    expect(new Set(files).size).toBe(names.length);
    for (const f of files) expect(f).toMatch(/^[A-Za-z0-9_%~-]+$/);
    expect(escapeName('../x')).toBe('%2E%2E%2Fx');
    expect(decodeURIComponent(escapeName('名 "q"'))).toBe('名 "q"');
    expect(isSafeArchivePath(networkFile('h1', '../../etc/passwd'))).toBe(true);
    expect(isSafeArchivePath('hosts/../x')).toBe(false);
    expect(isSafeArchivePath('/etc/x')).toBe(false);
  });
  it('keeps long names unique and short', () => {
    const a = escapeName('x'.repeat(300) + 'a');
    const b = escapeName('x'.repeat(300) + 'b');
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(80);
  });
  it('names domain files by uuid only', () => {
    expect(domainFile('h1', U1)).toBe(`hosts/h1/domains/${U1}.xml`);
    expect(() => domainFile('h1', '../x')).toThrow(/not a uuid/);
  });
});

describe('diff of a backup against the live host', () => {
  it('reports added, removed, changed (with a patch) and ignores a regenerated uuid and formatting', () => {
    const backup = [
      { kind: 'domain' as const, key: U1, name: 'web', xml: dom('web') },
      { kind: 'domain' as const, key: 'gone', name: 'old', xml: dom('old', U2) },
      { kind: 'network' as const, key: 'lan', name: 'lan', xml: netXml('lan') },
    ];
    const liveSide = [
      // Recreated: other uuid, other quoting/indent: the same.
      { kind: 'domain' as const, key: U2, name: 'web', xml: dom('web').replace(`<uuid>${U1}</uuid>`, `<uuid>${U2}</uuid>`).replace(/'/g, '"').replace(/\n\s*/g, '') },
      { kind: 'network' as const, key: 'lan', name: 'lan', xml: netXml('lan', U2, "<host mac='52:54:00:aa:bb:cc' ip='10.1.0.51'/>") },
      { kind: 'pool' as const, key: 'p', name: 'p', xml: poolXml('p', '/srv') },
    ];
    const d = diffDefinitions(backup, liveSide);
    expect(d.map((e) => [e.kind, e.name, e.status])).toEqual([
      ['network', 'lan', 'changed'],
      ['pool', 'p', 'added'],
      ['domain', 'old', 'removed'],
      ['domain', 'web', 'same'],
    ]);
    expect(d[0]!.patch).toMatch(/^-.*ip="10\.1\.0\.50"/m);
    expect(d[0]!.patch).toMatch(/\+.*10\.1\.0\.51/);
  });
  it('masks through `present` in patches only', () => {
    const withPw = (pw: string) => dom('vnc', U1, 'lan', `<graphics type='vnc' passwd='${pw}'/>`);
    const d = diffDefinitions([{ kind: 'domain', key: U1, name: 'vnc', xml: withPw('old') }], [{ kind: 'domain', key: U1, name: 'vnc', xml: withPw('new') }], (x) => x.replace(/passwd='[^']*'|passwd="[^"]*"/g, 'passwd="***"'));
    expect(d[0]!.status).toBe('changed');
    expect(d[0]!.patch).not.toMatch(/old|new/);
  });
});

describe('rewriting definitions for the target', () => {
  it('maps networks, pools and pool directories through the DOM, keeping the rest', () => {
    const r = rewriteDomain(dom('web'), { networks: { lan: 'prod-lan' }, pools: { 'pool-a': 'pool-b' }, poolDirs: { '/srv/pool-a': '/data/b' } });
    expect(r.xml).toContain('network="prod-lan"');
    expect(r.xml).not.toContain('portgroup');
    expect(r.xml).toContain('pool="pool-b"');
    expect(r.xml).toContain(`file="/data/b/${U1}.qcow2"`);
    expect(r.xml).toContain('<vd:tag>prod</vd:tag>');
    expect(r.changes).toEqual([`NIC 52:54:00:aa:bb:cc: network 'lan' -> 'prod-lan'`, `disk vda: /srv/pool-a/${U1}.qcow2 -> /data/b/${U1}.qcow2`, `disk vdb: pool 'pool-a' -> 'pool-b'`]);
    expect(domainRefs(r.xml)).toEqual({ networks: ['prod-lan'], pools: ['pool-b'], files: [`/data/b/${U1}.qcow2`] });
  });
  it('a renamed copy gets a new identity; hostile names stay text', () => {
    const name = `x"<&'$(y)名`;
    const r = rewriteDomain(dom('web'), { name, freshIdentity: true });
    expect(r.xml).not.toContain('<uuid>');
    expect(r.xml).not.toContain('<mac ');
    expect(r.xml).toContain('<name>x"&lt;&amp;\'$(y)名</name>');
    const n = rewriteNetwork(netXml('lan'), { name: 'lan-2', freshIdentity: true });
    expect(n.xml).not.toMatch(/<uuid>|virbr9|<mac /);
    expect(n.xml).toContain("ip='10.1.0.50'".replace(/'/g, '"'));
  });
  it('replace keeps the existing object uuid', () => {
    expect(rewriteDomain(dom('web'), { uuid: U2 }).xml).toContain(`<uuid>${U2}</uuid>`);
  });
});

describe('restore plan', () => {
  const sources: PlanSource[] = [
    { item: item('domain', U1, 'web', true), xml: dom('web') },
    { item: item('network', 'lan', 'lan', true), xml: netXml('lan') },
    { item: item('pool', 'pool-a', 'pool-a'), xml: poolXml('pool-a', '/srv/pool-a') },
  ];
  const ips = { [U1]: { name: 'web', nics: [{ mac: '52:54:00:aa:bb:cc', network: 'lan', leases: [], reservations: [{ ip: '10.1.0.50', network: 'lan' }] }] } };
  const args = (extra: object = {}) => RestoreInputSchema.parse({ id: 'b-20261201T180000Z-abcdef', fromHostId: 'h1', toHostId: 'h2', ...extra });
  const empty = { domains: [], networks: [], pools: [] };

  it('creates everything on an empty host, pools and networks before domains', () => {
    const p = planRestore({ args: args(), sources, live: empty, ips });
    expect(p.actions.map((a) => [a.kind, a.action])).toEqual([
      ['pool', 'create'],
      ['network', 'create'],
      ['domain', 'create'],
    ]);
    expect(p.reservations).toEqual([]); // they come with the network's XML
    expect(p.runnable).toBe(true);
  });

  it('restores only the chosen items and warns about what the VM needs', () => {
    const p = planRestore({ args: args({ items: [{ kind: 'domain', key: U1 }] }), sources, live: empty, ips });
    expect(p.actions.map((a) => a.kind)).toEqual(['domain']);
    expect(p.warnings.join('\n')).toMatch(/network 'lan' is not on the target[\s\S]*pool 'pool-a' is not on the target/);
  });

  it('maps networks and pools to the target, adding the reservation the VM had', () => {
    const target = { domains: [], networks: [live('prod', netXml('prod', U1, ''))], pools: [live('big', poolXml('big', '/data/big'))] };
    const p = planRestore({ args: args({ networkMap: { lan: 'prod' }, poolMap: { 'pool-a': 'big' } }), sources, live: target, ips });
    expect(p.actions.map((a) => [a.kind, a.action, a.targetName])).toEqual([
      ['pool', 'mapped', 'big'],
      ['network', 'mapped', 'prod'],
      ['domain', 'create', 'web'],
    ]);
    const vm = p.steps.find((s) => s.kind === 'domain')!;
    expect(vm.xml).toContain('network="prod"');
    expect(vm.xml).toContain(`/data/big/${U1}.qcow2`);
    expect(p.reservations).toEqual([{ network: 'prod', mac: '52:54:00:aa:bb:cc', ip: '10.1.0.50', vm: 'web' }]);
    const bad = planRestore({ args: args({ networkMap: { lan: 'nope' } }), sources, live: target, ips });
    expect(bad.runnable).toBe(false);
    expect(bad.actions.find((a) => a.kind === 'network')!.reason).toMatch(/'nope', which does not exist/);
  });

  it('handles conflicts per item: skip, rename (and its network follows), replace', () => {
    const target = { domains: [live('web', dom('web'), true)], networks: [live('lan', netXml('lan'))], pools: [] };
    const skip = planRestore({ args: args(), sources, live: target, ips });
    expect(skip.actions.map((a) => a.action)).toEqual(['create', 'skip', 'skip']);
    const mixed = planRestore({ args: args({ conflicts: { 'network:lan': 'rename', [`domain:${U1}`]: 'rename' }, renames: { 'network:lan': 'lan2' } }), sources, live: target, ips });
    expect(mixed.actions.map((a) => [a.action, a.targetName])).toEqual([
      ['create', 'pool-a'],
      ['rename', 'lan2'],
      ['rename', 'web-restored'],
    ]);
    expect(mixed.steps[2]!.xml).toContain('network="lan2"');
    const refused = planRestore({ args: args({ onConflict: 'replace' }), sources, live: target, ips });
    expect(refused.actions[2]).toMatchObject({ action: 'refuse' });
    expect(refused.runnable).toBe(false);
    const replaced = planRestore({ args: args({ onConflict: 'replace', replaceRunning: true }), sources, live: target, ips });
    expect(replaced.steps[2]).toMatchObject({ action: 'replace', previousXml: dom('web') });
  });

  it('refuses a rename onto a taken name', () => {
    const target = { domains: [live('web', dom('web')), live('web-restored', dom('web-restored', U2))], networks: [], pools: [] };
    const p = planRestore({ args: args({ onConflict: 'rename', items: [{ kind: 'domain', key: U1 }] }), sources, live: target, ips });
    expect(p.actions[0]!.reason).toMatch(/new name 'web-restored' is taken too/);
  });
});
