import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useTree } from './store';
import './tree.css';


export function TreeFilter({ matchText }: { matchText: string | null }) {
  const { t } = useTranslation('tree');
  const filter = useTree((s) => s.filter);
  const setFilter = useTree((s) => s.setFilter);
  const input = useRef<HTMLInputElement>(null);

  // Ctrl/Cmd+K or "/" from anywhere jumps here: the fastest way to a VM among thousands.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const inField = (e.target as HTMLElement | null)?.closest?.('input, textarea, select, [contenteditable="true"], dialog');
      if (((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') || (e.key === '/' && !inField)) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="tree-filter">
      <div className="search-box">
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden className="search-icon">
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M10.5 10.5 14 14" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        <input
          ref={input}
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter) {
              e.stopPropagation();
              setFilter('');
            } else if (e.key === 'ArrowDown') {
              // Hand off to the tree so keyboard users can go straight from search to result.
              e.preventDefault();
              document.querySelector<HTMLElement>('[role="tree"] [role="treeitem"][tabindex="0"]')?.focus();
            }
          }}
          placeholder={t('placeholder')}
          aria-label={t('filterLabel')}
          title={t('help')}
          spellCheck={false}
          autoComplete="off"
          data-testid="tree-filter"
        />
      </div>
      {matchText && (
        <div className="filter-meta" aria-live="polite">
          {matchText}
        </div>
      )}
    </div>
  );
}
