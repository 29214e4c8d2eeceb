import type { QueryClient } from '@tanstack/react-query';
import type { Dispose } from '../../../shared/ipc/api';
import { api } from '../../app/api';
import { networkKeys } from './queries';

/**
 * The networks part of the event bridge: libvirt network events re-read the
 * host's networks; lease changes re-read leases and details (reservation
 * state, address plan); VM changes may move NICs between networks.
 */
export function networkEventBridge(qc: QueryClient): Dispose[] {
  return [
    api.on('network.changed', ({ hostId }) => void qc.invalidateQueries({ queryKey: networkKeys.all(hostId) })),
    api.on('network.leasesChanged', ({ hostId, networks }) => {
      for (const name of networks) {
        void qc.invalidateQueries({ queryKey: networkKeys.leases(hostId, name) });
        void qc.invalidateQueries({ queryKey: networkKeys.detail(hostId, name) });
      }
    }),
    api.on('domain.changed', ({ hostId, removed, resync }) => {
      void qc.invalidateQueries({ queryKey: networkKeys.vmNics(hostId) });
      // Users of a network change when VMs come, go or are re-plugged (definition events).
      if (removed.length || resync) void qc.invalidateQueries({ queryKey: [...networkKeys.all(hostId), 'detail'] });
    }),
  ];
}
