import { useUi, type Theme } from '../../app/ui-store';
import { useCan, useSession } from '../session/queries';
import { UserMenu } from '../session/UserMenu';

const next: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const label: Record<Theme, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

export function TopBar() {
  const theme = useUi((s) => s.theme);
  const setTheme = useUi((s) => s.setTheme);
  const openAddHost = useUi((s) => s.setAddHostOpen);
  const select = useUi((s) => s.select);
  const setProfile = useUi((s) => s.setHelpdeskProfile);
  const can = useCan();
  const mode = useSession().data?.mode;
  return (
    <header className="topbar">
      <div className="brand">
        <img src="./favicon.svg" alt="" width={20} height={20} />
        <span>VirtDeck</span>
      </div>
      <div className="topbar-actions">
        {can.manageHosts && (
          <button type="button" onClick={() => openAddHost(true)} data-testid="add-host-open">
            Add host
          </button>
        )}
        <button type="button" onClick={() => select({ kind: 'page', page: 'create' })} data-testid="open-create">
          New VM
        </button>
        {/* p2v.* and sources.* are admins' (docs/access.md), as is adding hosts. */}
        {can.manageHosts && (
          <button type="button" className="ghost" onClick={() => select({ kind: 'page', page: 'p2v' })} data-testid="open-p2v" title="Physical to virtual: copy a Linux machine into a VM">
            P2V
          </button>
        )}
        {can.audit && (
          <button type="button" className="ghost" onClick={() => select({ kind: 'page', page: 'audit' })} data-testid="open-audit">
            Audit log
          </button>
        )}
        {can.accounts && mode !== 'desktop' && (
          <button type="button" className="ghost" onClick={() => select({ kind: 'page', page: 'accounts' })} data-testid="open-accounts">
            Accounts
          </button>
        )}
        <button type="button" className="ghost" onClick={() => setProfile(true)} title="Show only consoles: the tree and the quick console" data-testid="helpdesk-profile-on">
          Help-desk profile
        </button>
        <button type="button" className="ghost" onClick={() => select({ kind: 'page', page: 'backups' })} data-testid="open-backups">
          Backups
        </button>
        <button type="button" className="ghost" onClick={() => setTheme(next[theme])} title="Switch theme" data-testid="theme-toggle">
          {label[theme]}
        </button>
        <UserMenu />
      </div>
    </header>
  );
}
