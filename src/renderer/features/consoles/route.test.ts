import { describe, expect, it } from 'vitest';
import { consoleHash, consoleUrl, parseConsoleRoute, resolveWsUrl } from './route';

const uuid = '261a8743-7339-4a34-9b7c-371bec2cf7b6';

describe('console routes', () => {
  it('round-trips domain and shell routes', () => {
    for (const r of [
      { kind: 'domain', hostId: 'lab-1', uuid, view: 'display' },
      { kind: 'domain', hostId: 'lab-1', uuid, view: 'serial' },
      { kind: 'shell', hostId: 'lab-2' },
    ] as const) {
      expect(parseConsoleRoute(consoleHash(r))).toEqual(r);
    }
  });

  it('ignores anything else', () => {
    for (const h of ['', '#/', '#/console/lab-1', `#/console/LAB/${uuid}`, `#/console/lab-1/${uuid}/x`, '#/shell/a/b']) expect(parseConsoleRoute(h)).toBeNull();
  });

  it('builds window URLs and WebSocket URLs', () => {
    expect(consoleUrl({ kind: 'shell', hostId: 'h' }, 'http://127.0.0.1:8080/?x=1#/old')).toBe('http://127.0.0.1:8080/?x=1#/shell/h');
    expect(resolveWsUrl('/console/abc', { protocol: 'http:', host: '127.0.0.1:9' })).toBe('ws://127.0.0.1:9/console/abc');
    expect(resolveWsUrl('/console/abc', { protocol: 'https:', host: 'h' })).toBe('wss://h/console/abc');
    expect(resolveWsUrl('ws://127.0.0.1:5/console/abc')).toBe('ws://127.0.0.1:5/console/abc');
  });
});
