import type { VmSettingsService } from '../../domains/service';
import type { Handlers } from '../registry';

type Names = keyof typeof import('../../../shared/ipc/calls/vm-settings').vmSettingsCalls | keyof typeof import('../../../shared/ipc/calls/snapshots').snapshotCalls;

export function vmSettingsHandlers(s: VmSettingsService): Pick<Handlers, Names> {
  return {
    'vmSettings.get': (a) => s.get(a),
    'vmSettings.choices': (a) => s.choices(a),
    'vmSettings.setCpu': (a) => s.setCpu(a),
    'vmSettings.setMemory': (a) => s.setMemory(a),
    'vmSettings.setBoot': (a) => s.setBoot(a),
    'vmSettings.attachDisk': (a) => s.attachDisk(a),
    'vmSettings.detachDisk': (a) => s.detachDisk(a),
    'vmSettings.changeMedia': (a) => s.changeMedia(a),
    'vmSettings.updateDisk': (a) => s.updateDisk(a),
    'vmSettings.resizeDisk': (a) => s.resizeDisk(a),
    'vmSettings.setDiskIoTune': (a) => s.setDiskIoTune(a),
    'vmSettings.attachNic': (a) => s.attachNic(a),
    'vmSettings.detachNic': (a) => s.detachNic(a),
    'vmSettings.updateNic': (a) => s.updateNic(a),
    'vmSettings.setGraphics': (a) => s.setGraphics(a),
    'vmSettings.setVideo': (a) => s.setVideo(a),
    'vmSettings.setSerial': (a) => s.setSerial(a),
    'vmSettings.getXml': (a) => s.getXml(a),
    'vmSettings.defineXml': (a) => s.defineXml(a),
    'domains.clone': (a) => s.clone(a),
    'snapshots.list': (a) => s.snapshotList(a),
    'snapshots.create': (a) => s.snapshotCreate(a),
    'snapshots.revert': (a) => s.snapshotRevert(a),
    'snapshots.delete': (a) => s.snapshotDelete(a),
  };
}
