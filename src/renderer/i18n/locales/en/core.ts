// Task titles and phases the core writes: the English is the core's own
// catalogue (src/shared/i18n/core-text.ts), so the two can never drift.
import { CORE_EN } from '../../../../shared/i18n/core-text';

export default CORE_EN;
