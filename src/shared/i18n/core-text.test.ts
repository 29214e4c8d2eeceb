import { describe, expect, it } from 'vitest';
import { coreText, say, textOf } from './core-text';

describe('core text', () => {
  it('renders the English template with its parameters', () => {
    expect(coreText(say('phase.copyingDiskNofM', { disk: 'vda', n: 1, total: 2 }))).toBe('Copying vda (1 of 2)');
    expect(coreText(say('title.p2v', { source: 'web01', name: 'web01-vm', host: 'kvm1' }))).toBe('P2V: web01 -> VM "web01-vm" on kvm1');
    expect(textOf('Plain text')).toBe('Plain text');
  });

  it('picks the plural form by count, as i18next does', () => {
    expect(coreText(say('title.evacuate', { host: 'kvm1', count: 1 }))).toBe('Evacuate kvm1 (1 VM)');
    expect(coreText(say('title.evacuate', { host: 'kvm1', count: 3 }))).toBe('Evacuate kvm1 (3 VMs)');
    expect(coreText(say('phase.evacuating', { count: 2, parallel: 2 }))).toBe('Moving 2 VMs, 2 at a time');
  });

  it('keeps a placeholder it has no value for, and names an unknown key', () => {
    expect(coreText(say('phase.fetching'))).toBe('Fetching {{file}}');
    expect(coreText({ key: 'phase.nope' as never })).toBe('phase.nope');
  });
});
