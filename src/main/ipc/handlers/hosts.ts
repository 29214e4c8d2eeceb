import type { HostRegistry } from '../../hosts/registry';
import type { Handlers } from '../registry';

type HostCalls =
  | 'hosts.list'
  | 'hosts.add'
  | 'hosts.update'
  | 'hosts.remove'
  | 'hosts.connect'
  | 'hosts.disconnect'
  | 'hosts.parseUri'
  | 'hosts.sshAliases'
  | 'hosts.prompts'
  | 'hosts.answerPrompt';

/** Thin by design: the contract has parsed the input; HostRegistry owns the logic. */
export function hostHandlers(hosts: HostRegistry): Pick<Handlers, HostCalls> {
  return {
    'hosts.list': () => hosts.list(),
    'hosts.add': (draft) => hosts.add(draft),
    'hosts.update': ({ hostId, patch }) => hosts.update(hostId, patch),
    'hosts.remove': ({ hostId }) => hosts.remove(hostId),
    'hosts.connect': ({ hostId }) => hosts.connect(hostId),
    'hosts.disconnect': ({ hostId }) => hosts.disconnect(hostId),
    'hosts.parseUri': ({ uri }) => hosts.parseUri(uri),
    'hosts.sshAliases': () => hosts.sshAliases(),
    'hosts.prompts': () => hosts.listPrompts(),
    'hosts.answerPrompt': (answer) => hosts.answerPrompt(answer),
  };
}
