// The host/VM tree in the sidebar and its filter.
export default {
  label: 'Hosts and virtual machines',
  ungrouped: 'Ungrouped',
  vmCount_one: '{{n}} VM',
  vmCount_other: '{{n}} VMs',
  keyChanged: 'Host key changed: connection refused. This can mean someone is intercepting the connection. Verify the key with the host admin and update known_hosts.',
  keyRefused: 'Host key {{kind}} on {{where}}: connection refused. Offered {{offered}}.',
  keyChangedReason: 'Host key changed: {{reason}}',
  loadingVms: 'Loading VMs…',
  listError: 'Could not list VMs: {{message}}',
  noVms: 'No virtual machines',
  placeholder: 'Filter   tag:web  state:running  ip:10.0',
  filterLabel: 'Filter hosts and virtual machines',
  help: 'Filter: words match name, tag, state, IP or host. Terms: tag:web state:running ip:10.0 host:kvm1 name:db. Combine terms; -tag:x excludes; state:running,paused means either.',
};
