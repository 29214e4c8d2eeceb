import type { AppInfo } from '../../../shared/ipc/calls/app';
import type { Handlers } from '../registry';

export function appHandlers(info: AppInfo): Pick<Handlers, 'app.info' | 'app.ping'> {
  return {
    'app.info': () => info,
    'app.ping': ({ echo }) => ({ echo, at: Date.now() }),
  };
}
