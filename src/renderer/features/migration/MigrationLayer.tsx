import { MigrateDialogHost } from './MigrateDialog';
import { useMigrationEvents } from './queries';

/** Mounted once by the app: follows migrated VMs and hosts the migrate dialog. */
export function MigrationLayer() {
  useMigrationEvents();
  return <MigrateDialogHost />;
}
