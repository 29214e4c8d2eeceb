import { describe, expect, it } from 'vitest';
import { isAllowedText, SAME_IN_BOTH } from './allow';
import { en, zhCN } from './locales';

// The untranslated-key test: zh-CN must carry every English key (and no
// others), translate every value (unless it is only allowed words such as
// "VNC" or "MiB"), and keep the same {{placeholders}}.

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(obj: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const base = (key: string) => key.replace(PLURAL, '');
const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]).sort();
// Text a reader sees: without placeholders and <tag>s of Trans components.
const visible = (s: string) => s.replace(/\{\{[^}]+\}\}/g, ' ').replace(/<\/?\w+\s*\/?>/g, ' ');

const namespaces = Object.keys(en) as (keyof typeof en)[];

describe('translations', () => {
  it('has the same namespaces in both languages', () => {
    expect(Object.keys(zhCN).sort()).toEqual(namespaces.slice().sort());
  });

  for (const ns of namespaces) {
    describe(ns, () => {
      const e = flatten(en[ns]);
      const z = flatten(zhCN[ns]);
      const eBase = new Map([...e].map(([k, v]) => [base(k), v]));
      const zBase = new Map([...z].map(([k, v]) => [base(k), v]));

      it('has every English key in zh-CN and no extra ones', () => {
        expect([...eBase.keys()].filter((k) => !zBase.has(k)), 'missing in zh-CN').toEqual([]);
        expect([...zBase.keys()].filter((k) => !eBase.has(k)), 'only in zh-CN').toEqual([]);
      });

      it('gives English plurals a _one and _other form, and zh-CN an _other form', () => {
        for (const k of e.keys()) if (k.endsWith('_one')) expect(e.has(k.replace(/_one$/, '_other')), k).toBe(true);
        for (const k of e.keys()) if (PLURAL.test(k)) expect(z.has(k.replace(PLURAL, '_other')), `zh-CN ${k}`).toBe(true);
      });

      it('translates every value', () => {
        const same = [...z].filter(([k, v]) => {
          const src = e.get(k) ?? eBase.get(base(k));
          return src !== undefined && v === src && !SAME_IN_BOTH(src);
        });
        expect(same.map(([k]) => k), 'zh-CN values equal to English').toEqual([]);
        const latin = [...z].filter(([, v]) => !isAllowedText(visible(v)));
        expect(latin.map(([k, v]) => `${k}: ${v}`), 'zh-CN values with English words').toEqual([]);
      });

      it('keeps the same placeholders', () => {
        for (const [k, v] of z) {
          const src = e.get(k) ?? eBase.get(base(k));
          if (src === undefined) continue;
          const need = vars(src).filter((x) => x !== 'count');
          expect(vars(v).filter((x) => x !== 'count'), `${ns}:${k}`).toEqual(need);
        }
      });
    });
  }
});
