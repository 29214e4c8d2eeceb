import { useState } from 'react';
import { Spinner } from '../../ui/Spinner';
import { useSetTags } from './mutations';

/** Tags live in the domain's <metadata>; each add/remove saves at once (like labels in a mail client). */
export function TagsEditor({ hostId, uuid, tags }: { hostId: string; uuid: string; tags: string[] }) {
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
      <ul className="chips" aria-label="Tags">
        {shown.map((t) => (
          <li key={t} className="chip removable">
            {t}
            <button type="button" aria-label={`Remove tag ${t}`} disabled={m.isPending} onClick={() => save(shown.filter((x) => x !== t))}>
              ×
            </button>
          </li>
        ))}
        {shown.length === 0 && <li className="muted small">No tags yet</li>}
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
          placeholder="Add tag (Enter)"
          aria-label="New tag"
          maxLength={200}
          disabled={m.isPending}
          data-testid="vm-tag-input"
        />
        <button type="button" className="ghost" onClick={add} disabled={!draft.trim() || m.isPending}>
          {m.isPending && <Spinner />}Add
        </button>
      </div>
    </div>
  );
}
