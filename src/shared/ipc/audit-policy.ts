// Which calls the audit log records: every call that changes something or
// opens access (consoles, shells), and none that only read. Decided by the
// call's verb (`noun.verb`) so a new call is audited unless its verb says it
// only reads; the list is short on purpose.
const READ_VERBS = new Set([
  'info',
  'ping',
  'list',
  'get',
  'parseUri',
  'prompts',
  'subscribe',
  'unsubscribe',
  'history',
  'latest',
  'rules',
  'alerts',
  'verify',
  'capabilities',
  'leases',
  'preflight',
  'preview',
  'plan',
  'advise',
  'search',
  'diff',
  'check',
  'usage',
  'discover',
]);

export function isReadOnlyCall(name: string): boolean {
  const verb = name.slice(name.lastIndexOf('.') + 1);
  return READ_VERBS.has(verb) || /^(list|get|export)[A-Z]/.test(verb) || verb === 'export';
}
