import type { CallArgs, CallOutput } from '../../shared/ipc/contract';
import { AppFailure } from '../../shared/ipc/result';
import type { TaskRef } from '../../shared/model/task';
import type { VolumeRef } from '../../shared/model/volume';

// Uploads and downloads (browser route, desktop files). Filled in once the
// transfer primitives land.
export class Transfers {
  browserUpload(_input: CallArgs<'volumes.upload'>): Promise<CallOutput<'volumes.upload'>> {
    throw new AppFailure('UNSUPPORTED', 'not yet');
  }
  browserDownload(_ref: VolumeRef): Promise<CallOutput<'volumes.download'>> {
    throw new AppFailure('UNSUPPORTED', 'not yet');
  }
  fileUpload(_input: CallArgs<'volumes.uploadFile'>): Promise<TaskRef> {
    throw new AppFailure('UNSUPPORTED', 'not yet');
  }
  fileDownload(_ref: VolumeRef, _path: string): Promise<TaskRef> {
    throw new AppFailure('UNSUPPORTED', 'not yet');
  }
  chooseFile(_input: CallArgs<'files.choose'>): Promise<CallOutput<'files.choose'>> {
    throw new AppFailure('UNSUPPORTED', 'not yet');
  }
}
