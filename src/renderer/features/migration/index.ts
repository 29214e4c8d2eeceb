export { MigrateButton } from './MigrateButton';
export { HostMigrationActions } from './HostMigrationActions';
export { useMigrationEvents } from './queries';
