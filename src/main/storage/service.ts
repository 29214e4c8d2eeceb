import type { CallArgs } from '../../shared/ipc/contract';
import type { PoolDefinition } from '../../shared/model/pool';
import type { NewVolume, VolumeRef } from '../../shared/model/volume';
import type { TaskManager } from '../tasks/manager';
import { domainAttachCdrom } from './attach-cdrom';
import { startVolumeClone, type CloneSpec } from './clone';
import { poolDefine, poolDelete, poolList, poolRefresh, poolSetAutostart, poolStart, poolStop, type DefineOptions, type StorageDeps } from './pools';
import type { Transfers } from './transfers';
import { volumeCreate, volumeDelete, volumeList, volumeResize } from './volumes';

/** The storage feature's one object for handlers and core wiring; the logic lives in the resource files. */
export class StorageService {
  constructor(
    readonly deps: StorageDeps,
    private readonly tasks: TaskManager,
    readonly transfers: Transfers,
  ) {}

  poolList = (hostId: string) => poolList(this.deps, hostId);
  poolStart = (hostId: string, name: string) => poolStart(this.deps, hostId, name);
  poolStop = (hostId: string, name: string) => poolStop(this.deps, hostId, name);
  poolRefresh = (hostId: string, name: string) => poolRefresh(this.deps, hostId, name);
  poolSetAutostart = (hostId: string, name: string, autostart: boolean) => poolSetAutostart(this.deps, hostId, name, autostart);
  poolDefine = (hostId: string, def: PoolDefinition, opts: DefineOptions) => poolDefine(this.deps, hostId, def, opts);
  poolDelete = (hostId: string, name: string) => poolDelete(this.deps, hostId, name);

  volumeList = (hostId: string, pool: string) => volumeList(this.deps, hostId, pool);
  volumeCreate = (v: NewVolume) => volumeCreate(this.deps, this.tasks, v);
  volumeResize = (ref: VolumeRef, capacity: number, shrink: boolean) => volumeResize(this.deps, ref, capacity, shrink);
  volumeDelete = (ref: VolumeRef) => volumeDelete(this.deps, ref);
  volumeClone = (spec: CloneSpec) => startVolumeClone(this.deps, this.tasks, spec);

  browserUpload = (input: CallArgs<'volumes.upload'>) => this.transfers.browserUpload(input);
  browserDownload = (ref: VolumeRef) => this.transfers.browserDownload(ref);
  fileUpload = (input: CallArgs<'volumes.uploadFile'>) => this.transfers.fileUpload(input);
  fileDownload = (ref: VolumeRef, path: string) => this.transfers.fileDownload(ref, path);
  chooseFile = (input: CallArgs<'files.choose'>) => this.transfers.chooseFile(input);

  attachCdrom = (hostId: string, uuid: string, vol: { pool: string; name: string }) => domainAttachCdrom(this.deps, hostId, uuid, vol);
}
