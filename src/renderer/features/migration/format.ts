import { formatBytes, formatNumber } from '../../i18n/format';
import type { CheckVerdict } from '../../../shared/model/migration';

// Mode names and help are in the 'migration' namespace (modeLabel.*, modeHelp.*).

export const VERDICT_ICON: Record<CheckVerdict, string> = { pass: '✓', warn: '!', fail: '✕', skip: '–' };

export const rate = (bps: number | undefined) => (bps === undefined ? '—' : `${formatBytes(bps)}/s`);
export const bytes = (n: number | undefined) => (n === undefined ? '—' : formatBytes(n));
export const ms = (n: number | undefined) => (n === undefined ? '—' : n < 1000 ? `${formatNumber(n)} ms` : `${formatNumber(n / 1000, 1)} s`);
