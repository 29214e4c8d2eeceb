import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/ipc/contract';
import type { Logger } from '../util/log';
import { EventBus, type BusMessage } from './bus';

// The bus is pure logic (no transport): these tests use it as services do.
function capture() {
  const errors: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn() {}, error: (m) => void errors.push(m), child: () => log };
  const bus = new EventBus(log);
  const got: BusMessage[] = [];
  bus.subscribe((m) => got.push(m));
  return { bus, got, errors };
}

const UUID = '0b4e1d2c-3f5a-4b6c-8d7e-9f0a1b2c3d4e';

describe('EventBus validates payloads against the contract', () => {
  it('delivers a valid payload, parsed: unknown fields stripped', () => {
    const { bus, got, errors } = capture();
    bus.emit('host.stateChanged', { hostId: 'kvm-1', status: 'connected', since: 1, secret: 'x' } as never);
    expect(got).toEqual([{ name: 'host.stateChanged', payload: { hostId: 'kvm-1', status: 'connected', since: 1 } }]);
    expect(errors).toEqual([]);
  });

  it('drops a payload that breaks the contract, logs why once, counts every drop', () => {
    const { bus, got, errors } = capture();
    const bad = { hostId: 'kvm-1', status: 'exploded', since: 1 } as never;
    bus.emit('host.stateChanged', bad);
    bus.emit('host.stateChanged', bad);
    expect(got).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/host\.stateChanged broke the contract.*status/);
    expect(bus.rejected.get('host.stateChanged')).toBe(2);
  });

  it('a domain change with a malformed row never reaches a client; the valid one next does', () => {
    const { bus, got } = capture();
    const row = { hostId: 'kvm-1', uuid: UUID, name: 'web', id: 1, state: 'running' as const, tags: [], ips: [] };
    bus.emit('domain.changed', { hostId: 'kvm-1', epoch: 'e', seq: 3, upserted: [{ ...row, state: 'on fire' } as never], removed: [], resync: false });
    bus.emit('domain.changed', { hostId: 'kvm-1', epoch: 'e', seq: 4, upserted: [row], removed: [], resync: false });
    expect(got.map((m) => (m.payload as { seq: number }).seq)).toEqual([4]);
  });

  it('refuses names that are not events of the contract', () => {
    const { bus, got, errors } = capture();
    bus.emit('host.exploded' as EventName, {} as never);
    expect(got).toEqual([]);
    expect(errors[0]).toMatch(/not an event of the contract/);
  });

  it('keeps the addressee and survives a throwing listener', () => {
    const { bus, got } = capture();
    bus.subscribe(() => {
      throw new Error('closed socket');
    });
    bus.emit('host.promptResolved', { promptId: 'p1' }, { to: 'conn-1' });
    expect(got).toEqual([{ name: 'host.promptResolved', payload: { promptId: 'p1' }, to: 'conn-1' }]);
  });
});
