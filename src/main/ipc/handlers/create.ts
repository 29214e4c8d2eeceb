import type { CreateService } from '../../create/service';
import type { Handlers } from '../registry';

type CreateCall = Extract<keyof Handlers, `create.${string}`>;

export function createHandlers(svc: CreateService): Pick<Handlers, CreateCall> {
  return {
    'create.getOptions': ({ hostId, refreshOs }) => svc.getOptions(hostId, refreshOs),
    'create.listMedia': ({ hostId }) => svc.listMedia(hostId),
    'create.check': ({ hostId, name, diskPool }) => svc.check(hostId, name, diskPool),
    'create.preview': ({ hostId, name, spec }) => svc.preview(hostId, name, spec),
    'create.start': ({ spec, placements }) => ({ taskId: svc.start(spec, placements).taskId }),
    'create.begin': async ({ hostId, uuid }) => ({ taskId: (await svc.begin(hostId, uuid)).taskId }),
    'create.listSshKeys': () => svc.listSshKeys(),
    'create.advise': (a) => svc.advise(a),
  };
}
