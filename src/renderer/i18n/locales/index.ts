// Every namespace, one file per UI area and language. English is the source:
// the typecheck derives key types from it (types.d.ts) and the unit test makes
// zh-CN carry exactly the same keys.
import enCommon from './en/common';
import zhCommon from './zh-CN/common';
import enShell from './en/shell';
import enDomains from './en/domains';
import zhDomains from './zh-CN/domains';
import enTree from './en/tree';
import zhTree from './zh-CN/tree';
import enHosts from './en/hosts';
import zhHosts from './zh-CN/hosts';
import zhShell from './zh-CN/shell';

export const en = {
  common: enCommon,
  shell: enShell,
  domains: enDomains,
  hosts: enHosts,
  tree: enTree,
};

export const zhCN: Record<keyof typeof en, { [key: string]: unknown }> = {
  common: zhCommon,
  shell: zhShell,
  domains: zhDomains,
  hosts: zhHosts,
  tree: zhTree,
};
