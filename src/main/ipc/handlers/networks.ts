import type { LibvirtSessions } from '../../libvirt/sessions';
import { domainSetNetwork } from '../../networks/attach';
import { networkCheckSubnet, networkCreatePlan, networkCreateTask } from '../../networks/create';
import { hostInterfaces } from '../../networks/interfaces';
import { reservationRemove, reservationSet } from '../../networks/reservations';
import type { NetworkService } from '../../networks/service';
import type { TaskManager } from '../../tasks/manager';
import type { Logger } from '../../util/log';
import type { Handlers } from '../registry';

type NetworkCall = Extract<keyof Handlers, `networks.${string}`> | 'domains.setNetwork';

export function networkHandlers(svc: NetworkService, tasks: TaskManager, sessions: LibvirtSessions, log: Logger): Pick<Handlers, NetworkCall> {
  return {
    'networks.list': ({ hostId }) => svc.networkList(hostId),
    'networks.get': ({ hostId, name }) => svc.networkGet(hostId, name),
    'networks.checkSubnet': ({ hostId, cidr }) => networkCheckSubnet(svc, hostId, cidr),
    'networks.create': async (input) => {
      const run = networkCreateTask(svc, tasks, await networkCreatePlan(svc, input));
      run.result.catch(() => {}); // the task records its own failure
      return { taskId: run.taskId };
    },
    'networks.start': ({ hostId, name }) => svc.networkStart(hostId, name),
    'networks.stop': ({ hostId, name }) => svc.networkStop(hostId, name),
    'networks.setAutostart': ({ hostId, name, autostart }) => svc.networkSetAutostart(hostId, name, autostart),
    'networks.delete': ({ hostId, name }) => svc.networkDelete(hostId, name),
    'networks.leases': ({ hostId, name }) => svc.networkLeases(hostId, name),
    'networks.addReservation': (a) => reservationSet(svc, a, 'add'),
    'networks.updateReservation': (a) => reservationSet(svc, a, 'update'),
    'networks.removeReservation': ({ hostId, name, mac }) => reservationRemove(svc, hostId, name, mac),
    'networks.hostInterfaces': ({ hostId }) => hostInterfaces(svc, hostId),
    'networks.vmNics': ({ hostId }) => svc.nics.list(hostId),
    'domains.setNetwork': ({ hostId, uuid, mac, source }) => domainSetNetwork(sessions, log, hostId, uuid, mac, source),
  };
}
