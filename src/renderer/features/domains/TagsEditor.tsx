import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Spinner } from '../../ui/Spinner';
import { useSetTags } from './mutations';

/** Tags live in the domain's <metadata>; each add/remove saves at once (like labels in a mail client). */
export function TagsEditor({ hostId, uuid, tags }: { hostId: string; uuid: string; tags: string[] }) {
  const { t } = useTranslation('domains');
  const m = useSetTags(hostId, uuid);
  const [draft, setDraft] = useState('');
  const shown = m.isPending && m.variables ? m.variables : tags;

  const save = (next: string[]) => m.mutate(next);
  const add = () => {
    const fresh = draft
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t && t.length <= 60 && !shown.includes(t));
    setDraft('');
    if (fresh.length) save([...shown, ...fresh]);
  };

  return (
    <div className="tags-editor" data-testid="vm-tags">
      <ul className="chips" aria-label={t('tags.label')}>
        {shown.map((tag) => (
          <li key={tag} className="chip removable">
            {tag}
            <button type="button" aria-label={t('tags.remove', { tag })} disabled={m.isPending} onClick={() => save(shown.filter((x) => x !== tag))}>
              ×
            </button>
          </li>
        ))}
        {shown.length === 0 && <li className="muted small">{t('tags.none')}</li>}
      </ul>
      <div className="inline-form">
        <input
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
          placeholder={t('tags.placeholder')}
          aria-label={t('tags.new')}
          maxLength={200}
          disabled={m.isPending}
          data-testid="vm-tag-input"
        />
        <button type="button" className="ghost" onClick={add} disabled={!draft.trim() || m.isPending}>
          {m.isPending && <Spinner />}
          {t('tags.add')}
        </button>
      </div>
    </div>
  );
}
