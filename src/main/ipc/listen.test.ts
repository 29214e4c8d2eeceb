import { describe, expect, it } from 'vitest';
import { allowedHostHeaders, isLoopback, parseAllowHost, tlsPlan } from './listen';

describe('tlsPlan', () => {
  it('keeps plain HTTP on loopback', () => {
    for (const listen of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) expect(tlsPlan({ listen })).toEqual({ kind: 'none' });
  });

  it('brings its own certificate off loopback', () => {
    for (const listen of ['0.0.0.0', '::', '10.1.2.3', 'vd.example']) expect(tlsPlan({ listen })).toEqual({ kind: 'self-signed' });
  });

  it('uses the admin’s certificate when given, both halves or neither', () => {
    expect(tlsPlan({ listen: '0.0.0.0', tlsCert: 'c.pem', tlsKey: 'k.pem' })).toEqual({ kind: 'files', cert: 'c.pem', key: 'k.pem' });
    expect(tlsPlan({ listen: '0.0.0.0', tlsCert: 'c.pem' })).toEqual({ error: '--tls-cert and --tls-key go together' });
    expect(tlsPlan({ listen: '127.0.0.1', tlsKey: 'k.pem' })).toHaveProperty('error');
  });

  it('serves plain HTTP off loopback only with --insecure, and warns', () => {
    const plan = tlsPlan({ listen: '10.1.2.3', insecure: true });
    expect(plan).toMatchObject({ kind: 'none', warning: expect.stringMatching(/unencrypted/) });
    expect(tlsPlan({ listen: '10.1.2.3', insecure: true, tls: true })).toHaveProperty('error');
    expect(tlsPlan({ listen: '10.1.2.3', insecure: true, tlsCert: 'c', tlsKey: 'k' })).toHaveProperty('error');
  });

  it('--tls forces HTTPS on loopback', () => {
    expect(tlsPlan({ listen: '127.0.0.1', tls: true })).toEqual({ kind: 'self-signed' });
  });
});

describe('isLoopback', () => {
  it('knows loopback from the rest', () => {
    expect(['127.0.0.1', '127.9.9.9', '::1', 'localhost', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'localhost.example', '1127.0.0.1'].some(isLoopback)).toBe(false);
  });
});

describe('allowed Host headers', () => {
  it('answers to the listen address, loopback names and --allow-host names, with our port', () => {
    const s = allowedHostHeaders({ host: '10.1.2.3', port: 7420, tls: true, allowHosts: ['vd.example', 'proxy.example:8443', '[fd00::5]'] });
    for (const h of ['10.1.2.3:7420', 'localhost:7420', '127.0.0.1:7420', '[::1]:7420', 'vd.example:7420', 'proxy.example:8443', '[fd00::5]:7420']) expect(s.has(h)).toBe(true);
    for (const h of ['vd.example', '10.1.2.3', 'evil.example:7420', 'vd.example:7421']) expect(s.has(h)).toBe(false);
  });

  it('accepts the bare name when our port is the scheme default (browsers omit it)', () => {
    expect(allowedHostHeaders({ host: '0.0.0.0', port: 443, tls: true, allowHosts: ['vd.example'] }).has('vd.example')).toBe(true);
    expect(allowedHostHeaders({ host: '0.0.0.0', port: 80, tls: false, allowHosts: ['vd.example'] }).has('vd.example')).toBe(true);
    expect(allowedHostHeaders({ host: '0.0.0.0', port: 80, tls: true, allowHosts: ['vd.example'] }).has('vd.example')).toBe(false);
  });

  it('a wildcard listen answers on every local address', () => {
    const s = allowedHostHeaders({ host: '0.0.0.0', port: 7420, tls: true, localAddresses: ['192.168.1.5', 'fe80::1'] });
    expect(s.has('192.168.1.5:7420')).toBe(true);
    expect(s.has('[fe80::1]:7420')).toBe(true);
    expect(s.has('0.0.0.0:7420')).toBe(false);
  });
});

describe('--allow-host', () => {
  it('takes names, IPs and an optional port, lower-cased', () => {
    expect(parseAllowHost('VD.Example')).toBe('vd.example');
    expect(parseAllowHost('vd.example:8443')).toBe('vd.example:8443');
    expect(parseAllowHost('10.0.0.5')).toBe('10.0.0.5');
    expect(parseAllowHost('[fd00::5]:443')).toBe('[fd00::5]:443');
  });

  it('refuses anything that is not a host name', () => {
    for (const bad of ['', 'a b', 'x\r\nSet-Cookie: a=b', 'http://vd.example', 'vd.example:99999', '-lead.example', 'a/b', '*.example']) {
      expect(parseAllowHost(bad)).toHaveProperty('error');
    }
  });
});
