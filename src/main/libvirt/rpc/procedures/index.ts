// The procedure registry: `client.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 })`.
import { ConnectProcedures } from './connect';
import { DomainProcedures } from './domain';
import { DomainSettingsProcedures } from './domain-settings';
import { EventProcedures } from './events';
import { MigrationProcedures } from './migration';
import { NetworkProcedures } from './network';
import { StorageProcedures } from './storage';

export const P = {
  ...ConnectProcedures,
  ...DomainProcedures,
  ...DomainSettingsProcedures,
  ...StorageProcedures,
  ...NetworkProcedures,
  ...EventProcedures,
  ...MigrationProcedures,
} as const;

export type ProcedureName = keyof typeof P;
export type { Procedure, ProcedureSpec, EventSpec } from './define';
export { procedures } from './define';
export * from './connect';
export * from './domain';
export * from './domain-settings';
export * from './storage';
export * from './network';
export * from './events';
export * from './migration';
