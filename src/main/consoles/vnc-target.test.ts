import { describe, expect, it } from 'vitest';
import { describeEndpoint, forwardHost, vncEndpoint } from './vnc-target';

const dom = (devices: string) => `<domain type='qemu'><name>web</name><devices>${devices}</devices></domain>`;

describe('vncEndpoint', () => {
  it('reads address, port and password of a loopback display', () => {
    const ep = vncEndpoint(dom(`<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1' passwd='s3cr&amp;t'><listen type='address' address='127.0.0.1'/></graphics>`));
    expect(ep).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 5901, password: 's3cr&t' });
    expect(describeEndpoint(ep)).toBe('127.0.0.1:5901');
  });

  it('connects to loopback on the host for wildcard listeners, and says so', () => {
    const ep = vncEndpoint(dom(`<graphics type='vnc' port='5900' listen='0.0.0.0'><listen type='address' address='0.0.0.0'/></graphics>`));
    expect(ep).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 5900 });
    expect(ep.kind === 'tcp' && ep.note).toMatch(/all addresses/);
    expect(vncEndpoint(dom(`<graphics type='vnc' port='5900' listen='::'/>`))).toMatchObject({ host: '::1' });
    expect(describeEndpoint({ kind: 'tcp', host: '::1', port: 5900 })).toBe('[::1]:5900');
  });

  it('forwards to a non-local listen address as the host sees it', () => {
    const ep = vncEndpoint(dom(`<graphics type='vnc' port='5902'><listen type='network' network='default' address='192.168.122.1'/></graphics>`));
    expect(ep).toMatchObject({ kind: 'tcp', host: '192.168.122.1', port: 5902 });
    expect(ep.kind === 'tcp' && ep.note).toMatch(/through the SSH connection/);
  });

  it('uses unix sockets when the display listens on one', () => {
    expect(vncEndpoint(dom(`<graphics type='vnc' socket='/run/vnc.sock'><listen type='socket' socket='/run/vnc.sock'/></graphics>`))).toEqual({ kind: 'unix', path: '/run/vnc.sock', password: undefined });
  });

  it('explains displays it cannot show', () => {
    expect(vncEndpoint(dom(''))).toMatchObject({ kind: 'none', reason: 'no-graphics' });
    expect(vncEndpoint(dom(`<graphics type='spice' port='5930'/>`))).toMatchObject({ kind: 'none', reason: 'spice-only' });
    expect(vncEndpoint(dom(`<graphics type='vnc'><listen type='none'/></graphics>`))).toMatchObject({ kind: 'none', reason: 'no-listener' });
    expect(vncEndpoint(dom(`<graphics type='vnc' port='-1' autoport='yes'/>`))).toMatchObject({ kind: 'none', reason: 'no-port' });
  });

  it('prefers the VNC display when SPICE is also present', () => {
    expect(vncEndpoint(dom(`<graphics type='spice' port='5930'/><graphics type='vnc' port='5900'/>`))).toMatchObject({ kind: 'tcp', port: 5900, host: '127.0.0.1' });
  });

  it('maps listen addresses', () => {
    expect(forwardHost('0.0.0.0')).toBe('127.0.0.1');
    expect(forwardHost('[::]')).toBe('::1');
    expect(forwardHost('10.77.0.11')).toBe('10.77.0.11');
  });
});
