// Text the core writes for people (task titles and phases), as message keys
// with parameters, so the UI can show it in the user's language while logs,
// the audit trail and the CLI keep the English. The English templates live
// here, in shared code: the core renders them (`coreText`) and the renderer
// loads this object as its `core` namespace for English; other languages
// translate the same keys (src/renderer/i18n/locales/<lang>/core.ts, checked
// for parity by the locales test). Placeholders are i18next's `{{name}}`.

export const CORE_EN = {
  phase: {
    // Phases every task goes through (tasks/manager.ts).
    starting: 'Starting',
    done: 'Done',
    failed: 'Failed',
    cancelled: 'Cancelled',
    undoing: 'Undoing',
    interrupted: 'Interrupted during: {{phase}}',
    // Storage.
    creatingVolume: 'Creating volume',
    creatingVolumeNamed: 'Creating volume {{name}}',
    uploading: 'Uploading',
    downloading: 'Downloading',
    verifyingChecksum: 'Verifying checksum',
    waitingForBrowser: 'Waiting for the browser',
    allocating: 'Allocating',
    checking: 'Checking',
    copying: 'Copying',
    // Create.
    writingSeed: 'Writing the cloud-init seed',
    creatingDisk: 'Creating the disk',
    copyingImage: 'Copying the image',
    findingKernel: 'Finding the kernel in the install tree',
    fetching: 'Fetching {{file}}',
    defining: 'Defining',
    waitingForSeedRead: 'Waiting for the guest to read the seed',
    removingSeed: 'Removing the seed',
    // Clone and snapshots.
    preparing: 'Preparing',
    definingNewVm: 'Defining the new VM',
    creatingOverlay: 'Creating overlay for {{disk}}',
    copyingDiskNofM: 'Copying {{disk}} ({{n}} of {{total}})',
    cloneNofM: 'Clone {{n}} of {{total}}: {{name}}',
    savingMemoryAndDisks: 'Saving memory and disks',
    creatingOverlayFiles: 'Creating overlay files',
    savingDisks: 'Saving disks',
    loadingMemoryAndDisks: 'Loading memory and disks',
    restoringDisks: 'Restoring disks',
    // Backup and restore.
    readingHost: 'Reading {{host}}',
    writingArchive: 'Writing the archive',
    restoringPool: "Pool '{{name}}'",
    restoringNetwork: "Network '{{name}}'",
    restoringReservation: "Reservation {{ip}} on '{{network}}'",
    restoringVm: "VM '{{name}}'",
    startingNamed: "Starting '{{name}}'",
    // Networks.
    startingNetwork: 'Starting (bridge, dnsmasq, firewall rules)',
    settingAutostart: 'Setting autostart',
    // Migration.
    v3begin: 'Starting on the source',
    v3prepare: 'Preparing the target',
    v3finish: 'Starting on the target',
    v3confirm: 'Finishing on the source',
    v3aborting: 'Cancelling',
    measuringDisks: 'Measuring disks',
    copyingDisk: 'Copying {{disk}}',
    verifyingDisk: 'Verifying {{disk}}',
    definingOnTarget: 'Defining on the target',
    removingSourceDefinition: 'Removing the source definition',
    openingRelay: 'Opening the relay',
    postCopyRunning: 'Post-copy: the VM runs on the target',
    copyingDisks: 'Copying disks',
    copyingMemory: 'Copying memory',
    copyingMemoryPass: 'Copying memory (pass {{pass}})',
    evacuating_one: 'Moving {{count}} VM, {{parallel}} at a time',
    evacuating_other: 'Moving {{count}} VMs, {{parallel}} at a time',
    // P2V.
    p2vDiskNofM: 'Copying disk {{n}} of {{total}} ({{device}})',
    definingVm: 'Defining the VM',
    v2v: 'virt-v2v-in-place',
    startingVm: 'Starting the VM',
    doneRunning: 'Done: the VM is running',
    doneDefined: 'Done: the VM is defined',
    checkingSourceDisk: 'Checking the source disk',
    readingAndSending: 'Reading {{device}} and sending it to {{pool}}/{{volume}}',
    verifyingBothEnds: 'Verifying: SHA-256 on the source and on the target host',
    convertingToQcow2: 'Converting to qcow2 ({{volume}})',
  },
  title: {
    networkCreate: "Create network '{{name}}'",
    snapshotCreate: 'Snapshot “{{name}}” of {{vm}}',
    snapshotCreateWithMemory: 'Snapshot “{{name}}” of {{vm}} (with memory)',
    snapshotRevert: 'Revert {{vm}} to “{{name}}”',
    vmClone: 'Clone {{vm}} as {{name}}',
    upload: 'Upload {{file}} ({{size}}) to {{pool}}',
    uploadAs: 'Upload {{file}} ({{size}}) to {{pool}} as {{name}}',
    download: 'Download {{name}} from {{pool}}',
    downloadTo: 'Download {{name}} from {{pool}} to {{file}}',
    volumeCreate: 'Create {{name}} ({{format}}, fully allocated) in {{pool}}',
    volumeClone: 'Clone {{name}} to {{newName}}',
    volumeCloneInPool: 'Clone {{name}} to {{newName}} in {{pool}}',
    vmCreate: 'Create {{name}} on {{host}}',
    vmCreateMany_one: 'Create {{count}} VM ({{names}})',
    vmCreateMany_other: 'Create {{count}} VMs ({{names}})',
    installStart: 'Start the install of {{name}}',
    seedCleanup: 'Remove the cloud-init seed of {{name}}',
    restore: 'Restore {{id}} to {{host}}',
    backupHost: 'Back up host {{host}}',
    backupHosts: 'Back up {{count}} hosts',
    backupHostScheduled: 'Back up host {{host}} (scheduled)',
    backupHostsScheduled: 'Back up {{count}} hosts (scheduled)',
    move: 'Move {{name}} from {{from}} to {{to}}',
    evacuate_one: 'Evacuate {{host}} ({{count}} VM)',
    evacuate_other: 'Evacuate {{host}} ({{count}} VMs)',
    evacuateMove: 'Move {{name}} to {{to}}',
    evacuateMoveAgain: 'Move again {{name}} to {{to}}',
    p2v: 'P2V: {{source}} -> VM "{{name}}" on {{host}}',
    p2vDisk: 'Copy {{device}} -> {{pool}}/{{volume}}',
  },
} as const;

type Group = keyof typeof CORE_EN;
export type CoreKey = { [G in Group]: `${G}.${keyof (typeof CORE_EN)[G] & string}` }[Group];
/** Keys as callers name them: a plural pair by its stem (`phase.evacuating` + count). */
export type CoreMsgKey = CoreKey extends infer K ? (K extends `${infer Stem}_${'one' | 'other'}` ? Stem : K) : never;
export type CoreParams = Record<string, string | number>;

/** A message for people: its key, its parameters, and the English text. */
export interface CoreMsg {
  key: CoreMsgKey;
  params?: CoreParams;
}

export const say = (key: CoreMsgKey, params?: CoreParams): CoreMsg => (params ? { key, params } : { key });

/** The English text of a message (logs, audit, CLI, and the UI's fallback). */
export function coreText(m: CoreMsg): string {
  const [group, name] = m.key.split('.', 2) as [Group, string];
  const table = (CORE_EN[group] ?? {}) as Record<string, string>;
  const count = m.params?.count;
  const template = (typeof count === 'number' ? table[`${name}_${count === 1 ? 'one' : 'other'}`] : undefined) ?? table[name] ?? m.key;
  return template.replace(/\{\{(\w+)\}\}/g, (all, name: string) => (m.params && name in m.params ? String(m.params[name]) : all));
}

/** Text or a message: the English text either way. */
export const textOf = (t: string | CoreMsg): string => (typeof t === 'string' ? t : coreText(t));
