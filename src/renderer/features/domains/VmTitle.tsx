import type { ReactNode } from 'react';
import type { DomainSummary } from '../../../shared/model/domain';
import { useTranslation } from 'react-i18next';
import { stateLabel } from '../../i18n';

/** A VM page's title line: state dot, name, state badge, then whatever follows (the VM page and the help-desk console). */
export function VmTitle({ vm, children }: { vm: Pick<DomainSummary, 'name' | 'state'>; children?: ReactNode }) {
  // Re-renders on a language change (the state word is translated).
  useTranslation();
  return (
    <div className="page-title">
      <span className={`dot lg ${vm.state}`} aria-hidden />
      <h1 data-testid="vm-title">{vm.name}</h1>
      <span className={`badge s-${vm.state}`} data-testid="vm-header-state">
        {stateLabel(vm.state)}
      </span>
      {children}
    </div>
  );
}
