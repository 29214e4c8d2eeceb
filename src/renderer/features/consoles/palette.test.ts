import { describe, expect, it } from 'vitest';
import { rankItems, type PaletteItem } from './palette';

const vm = (label: string, host: string, live = true): PaletteItem => ({
  id: `${host}/${label}`,
  label,
  detail: host,
  keywords: host,
  live,
  route: { kind: 'domain', hostId: host, uuid: '00000000-0000-0000-0000-000000000000', view: 'display' },
});

describe('rankItems', () => {
  const items = [vm('lab1-web', 'lab-1'), vm('lab2-web', 'lab-2'), vm('web', 'lab-2', false), vm('db-webcache', 'lab-1'), vm('lab1-db', 'lab-1')];

  it('puts exact, prefix, word-start and substring matches in that order', () => {
    expect(rankItems(items, 'web').map((i) => i.label)).toEqual(['web', 'lab1-web', 'lab2-web', 'db-webcache']);
  });

  it('needs every term, in the name or the host', () => {
    expect(rankItems(items, 'web lab-2').map((i) => i.label)).toEqual(['web', 'lab2-web']);
    expect(rankItems(items, 'nothing')).toEqual([]);
  });

  it('lists running guests first when nothing is typed', () => {
    expect(rankItems(items, '').at(-1)?.label).toBe('web');
  });
});
