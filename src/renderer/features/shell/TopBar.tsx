import { useTranslation } from 'react-i18next';
import { useUi, type Theme } from '../../app/ui-store';
import { LanguagePicker } from '../../i18n/LanguagePicker';
import { useCan, useSession } from '../session/queries';
import { UserMenu } from '../session/UserMenu';

const next: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };

export function TopBar() {
  const { t } = useTranslation('shell');
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
            {t('addHost')}
          </button>
        )}
        <button type="button" onClick={() => select({ kind: 'page', page: 'create' })} data-testid="open-create">
          {t('newVm')}
        </button>
        {/* p2v.* and sources.* are admins' (docs/access.md), as is adding hosts. */}
        {can.manageHosts && (
          <button type="button" className="ghost" onClick={() => select({ kind: 'page', page: 'p2v' })} data-testid="open-p2v" title={t('p2vTip')}>
            P2V
          </button>
        )}
        {can.audit && (
          <button type="button" className="ghost" onClick={() => select({ kind: 'page', page: 'audit' })} data-testid="open-audit">
            {t('auditLog')}
          </button>
        )}
        {can.accounts && mode !== 'desktop' && (
          <button type="button" className="ghost" onClick={() => select({ kind: 'page', page: 'accounts' })} data-testid="open-accounts">
            {t('accounts')}
          </button>
        )}
        <button type="button" className="ghost" onClick={() => setProfile(true)} title={t('helpdeskTip')} data-testid="helpdesk-profile-on">
          {t('helpdesk')}
        </button>
        <button type="button" className="ghost" onClick={() => select({ kind: 'page', page: 'backups' })} data-testid="open-backups">
          {t('backups')}
        </button>
        <button type="button" className="ghost" onClick={() => setTheme(next[theme])} title={t('switchTheme')} data-testid="theme-toggle">
          {t(`theme.${theme}`)}
        </button>
        <LanguagePicker />
        <UserMenu />
      </div>
    </header>
  );
}
