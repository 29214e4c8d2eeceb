import 'i18next';
import type { en } from './locales';

// Keys are checked at typecheck: a t('hosts.typo') fails `npm run typecheck`.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: typeof en;
    returnNull: false;
  }
}
