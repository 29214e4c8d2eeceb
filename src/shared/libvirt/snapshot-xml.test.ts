import { describe, expect, it } from 'vitest';
import { buildSnapshotXml, parseSnapshotXml, snapshotTree } from './snapshot-xml';

const internal = `<domainsnapshot><name>before upgrade</name><description>x &amp; y</description><state>running</state>
<creationTime>1700000000</creationTime><memory snapshot='internal'/><disks><disk name='vda' snapshot='internal'/></disks>
<domain type='qemu'><name>vm</name></domain></domainsnapshot>`;
const external = `<domainsnapshot><name>ext1</name><state>disk-snapshot</state><parent><name>before upgrade</name></parent>
<creationTime>1700000100</creationTime><memory snapshot='no'/><disks><disk name='vda' snapshot='external' type='file'><source file='/x.ext1'/></disk></disks></domainsnapshot>`;

describe('snapshot XML', () => {
  it('reads kind, memory, parent and time', () => {
    expect(parseSnapshotXml(internal)).toEqual({ name: 'before upgrade', description: 'x & y', state: 'running', createdAt: 1700000000, kind: 'internal', memory: true, parent: undefined });
    expect(parseSnapshotXml(external)).toMatchObject({ name: 'ext1', parent: 'before upgrade', kind: 'external', memory: false, state: 'disk-snapshot' });
  });

  it('builds a tree with the current one marked', () => {
    const t = snapshotTree([parseSnapshotXml(external), parseSnapshotXml(internal)], 'ext1');
    expect(t.map((s) => [s.name, s.current, s.children])).toEqual([
      ['before upgrade', false, ['ext1']],
      ['ext1', true, []],
    ]);
  });

  it('escapes what it sends', () => {
    expect(buildSnapshotXml('a<b>&"c"', 'd & e').replace(/>\s+</g, '><')).toBe('<domainsnapshot><name>a&lt;b&gt;&amp;"c"</name><description>d &amp; e</description></domainsnapshot>');
  });
});
