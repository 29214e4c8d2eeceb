import type { StorageService } from '../../storage/service';
import type { Handlers } from '../registry';

type StorageCalls =
  | 'pools.list'
  | 'pools.start'
  | 'pools.stop'
  | 'pools.refresh'
  | 'pools.setAutostart'
  | 'pools.define'
  | 'pools.delete'
  | 'volumes.list'
  | 'volumes.create'
  | 'volumes.resize'
  | 'volumes.delete'
  | 'volumes.clone'
  | 'volumes.upload'
  | 'volumes.download'
  | 'volumes.uploadFile'
  | 'volumes.downloadFile'
  | 'files.choose'
  | 'domains.attachCdrom';

export function storageHandlers(s: StorageService): Pick<Handlers, StorageCalls> {
  return {
    'pools.list': ({ hostId }) => s.poolList(hostId),
    'pools.start': ({ hostId, name }) => s.poolStart(hostId, name),
    'pools.stop': ({ hostId, name }) => s.poolStop(hostId, name),
    'pools.refresh': ({ hostId, name }) => s.poolRefresh(hostId, name),
    'pools.setAutostart': ({ hostId, name, autostart }) => s.poolSetAutostart(hostId, name, autostart),
    'pools.define': ({ hostId, definition, build, start, autostart }) => s.poolDefine(hostId, definition, { build, start, autostart }),
    'pools.delete': ({ hostId, name }) => s.poolDelete(hostId, name),
    'volumes.list': ({ hostId, name }) => s.volumeList(hostId, name),
    'volumes.create': (input) => s.volumeCreate(input),
    'volumes.resize': ({ capacity, shrink, ...ref }) => s.volumeResize(ref, capacity, shrink),
    'volumes.delete': (ref) => s.volumeDelete(ref),
    'volumes.clone': (spec) => s.volumeClone(spec),
    'volumes.upload': (input) => s.browserUpload(input),
    'volumes.download': (ref) => s.browserDownload(ref),
    'volumes.uploadFile': (input) => s.fileUpload(input),
    'volumes.downloadFile': ({ path, ...ref }) => s.fileDownload(ref, path),
    'files.choose': (input) => s.chooseFile(input),
    'domains.attachCdrom': ({ hostId, uuid, pool, volume }) => s.attachCdrom(hostId, uuid, { pool, name: volume }),
  };
}
