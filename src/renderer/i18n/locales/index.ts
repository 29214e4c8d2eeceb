// Every namespace, one file per UI area and language. English is the source:
// the typecheck derives key types from it (types.d.ts) and the unit test makes
// zh-CN carry exactly the same keys.
import enCommon from './en/common';
import zhCommon from './zh-CN/common';
import enShell from './en/shell';
import enDomains from './en/domains';
import zhDomains from './zh-CN/domains';
import enNetworks from './en/networks';
import zhNetworks from './zh-CN/networks';
import enP2v from './en/p2v';
import zhP2v from './zh-CN/p2v';
import enStorage from './en/storage';
import zhStorage from './zh-CN/storage';
import enTasks from './en/tasks';
import zhTasks from './zh-CN/tasks';
import enSnapshots from './en/snapshots';
import zhSnapshots from './zh-CN/snapshots';
import enAudit from './en/audit';
import zhAudit from './zh-CN/audit';
import enConsoles from './en/consoles';
import zhConsoles from './zh-CN/consoles';
import enSettings from './en/settings';
import zhSettings from './zh-CN/settings';
import enMetrics from './en/metrics';
import zhMetrics from './zh-CN/metrics';
import enTree from './en/tree';
import zhTree from './zh-CN/tree';
import enHosts from './en/hosts';
import zhHosts from './zh-CN/hosts';
import zhShell from './zh-CN/shell';
import enCreate from './en/create';
import zhCreate from './zh-CN/create';
import enMigration from './en/migration';
import zhMigration from './zh-CN/migration';
import enAccess from './en/access';
import zhAccess from './zh-CN/access';
import enBackup from './en/backup';
import enCore from './en/core';
import zhCore from './zh-CN/core';
import zhBackup from './zh-CN/backup';

export const en = {
  common: enCommon,
  shell: enShell,
  domains: enDomains,
  'networks': enNetworks,
  'p2v': enP2v,
  'storage': enStorage,
  'tasks': enTasks,
  'snapshots': enSnapshots,
  'audit': enAudit,
  'consoles': enConsoles,
  'settings': enSettings,
  metrics: enMetrics,
  hosts: enHosts,
  tree: enTree,
  create: enCreate,
  migration: enMigration,
  access: enAccess,
  backup: enBackup,
  core: enCore,
};

export const zhCN: Record<keyof typeof en, { [key: string]: unknown }> = {
  common: zhCommon,
  shell: zhShell,
  domains: zhDomains,
  'networks': zhNetworks,
  'p2v': zhP2v,
  'storage': zhStorage,
  'tasks': zhTasks,
  'snapshots': zhSnapshots,
  'audit': zhAudit,
  'consoles': zhConsoles,
  'settings': zhSettings,
  metrics: zhMetrics,
  hosts: zhHosts,
  tree: zhTree,
  create: zhCreate,
  migration: zhMigration,
  access: zhAccess,
  backup: zhBackup,
  core: zhCore,
};
