import type { z } from 'zod';
import { accountCalls } from './calls/accounts';
import { appCalls, appEvents } from './calls/app';
import { auditCalls } from './calls/audit';
import { backupCalls } from './calls/backup';
import { consoleCalls } from './calls/consoles';
import { domainCalls, domainEvents } from './calls/domains';
import { hostCalls, hostEvents } from './calls/hosts';
import { metricsCalls, metricsEvents } from './calls/metrics';
import { migrationCalls, migrationEvents } from './calls/migration';
import { placementCalls } from './calls/placement';
import { networkCalls, networkEvents } from './calls/networks';
import { taskCalls, taskEvents } from './calls/tasks';
import { storageCalls, storageEvents } from './calls/storage';
import { sourceCalls, sourceEvents } from './calls/sources';
import { p2vCalls } from './calls/p2v';
import { vmSettingsCalls } from './calls/vm-settings';
import { snapshotCalls } from './calls/snapshots';
import type { CallSpec, EventSpec } from './define';

// The one contract between renderer and core. Calls are `noun.verb`, events
// `noun.pastTense`; each area declares its own in calls/<area>.ts and is merged
// here, so adding a call is one declaration and every type below follows.
export const calls = {
  ...appCalls,
  ...hostCalls,
  ...domainCalls,
  ...consoleCalls,
  ...metricsCalls,
  ...taskCalls,
  ...storageCalls,
  ...migrationCalls,
  ...placementCalls,
  ...auditCalls,
  ...accountCalls,
  ...sourceCalls,
  ...p2vCalls,
  ...vmSettingsCalls,
  ...snapshotCalls,
  ...networkCalls,
  ...backupCalls,
} satisfies Record<string, CallSpec>;

export const events = {
  ...appEvents,
  ...hostEvents,
  ...domainEvents,
  ...metricsEvents,
  ...taskEvents,
  ...storageEvents,
  ...sourceEvents,
  ...migrationEvents,
  ...networkEvents,
} satisfies Record<string, EventSpec>;

export type Calls = typeof calls;
export type Events = typeof events;
export type CallName = keyof Calls;
export type EventName = keyof Events;
/** What a caller may send (defaults still optional). */
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
/** What a handler receives after parsing (defaults filled in). */
export type CallArgs<K extends CallName> = z.output<Calls[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Calls[K]['output']>;
export type EventPayload<K extends EventName> = z.output<Events[K]['payload']>;

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
