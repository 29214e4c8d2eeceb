import { useUi } from '../../app/ui-store';
import { EmptyState } from '../../ui/States';

export function MainPanel() {
  const selection = useUi((s) => s.selection);
  if (selection.kind === 'none') {
    return (
      <EmptyState title="Nothing selected">
        Pick a host or a virtual machine on the left. Press <kbd>Ctrl</kbd>+<kbd>K</kbd> to find a VM by name.
      </EmptyState>
    );
  }
  return <div className="pad">{selection.kind === 'host' ? `Host ${selection.hostId}` : `VM ${selection.uuid}`}</div>;
}
