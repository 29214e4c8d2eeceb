import type { ConsoleService } from '../../consoles/service';
import type { Handlers } from '../registry';

export function consoleHandlers(consoles: ConsoleService): Pick<Handlers, 'consoles.openVnc' | 'consoles.openSerial' | 'consoles.openShell'> {
  return {
    'consoles.openVnc': ({ hostId, uuid }) => consoles.openVnc(hostId, uuid),
    'consoles.openSerial': ({ hostId, uuid, force }) => consoles.openSerial(hostId, uuid, force),
    'consoles.openShell': ({ hostId, cols, rows }) => consoles.openShell(hostId, cols, rows),
  };
}
