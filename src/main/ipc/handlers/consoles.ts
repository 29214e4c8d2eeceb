import type { ConsoleService } from '../../consoles/service';
import type { Handlers } from '../registry';

export function consoleHandlers(consoles: ConsoleService): Pick<Handlers, 'consoles.openVnc' | 'consoles.openSerial' | 'consoles.openShell'> {
  return {
    'consoles.openVnc': ({ hostId, uuid }, ctx) => consoles.openVnc(hostId, uuid, ctx.access),
    'consoles.openSerial': ({ hostId, uuid, force }, ctx) => consoles.openSerial(hostId, uuid, force, ctx.access),
    'consoles.openShell': ({ hostId, cols, rows }, ctx) => consoles.openShell(hostId, cols, rows, ctx.access),
  };
}
