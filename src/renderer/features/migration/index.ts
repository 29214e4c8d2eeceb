export { MigrateButton } from './MigrateButton';
export { HostMigrationActions } from './HostMigrationActions';
export { MigrationLayer } from './MigrationLayer';
