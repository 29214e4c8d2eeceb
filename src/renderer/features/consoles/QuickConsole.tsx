import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import { Modal } from '../../ui/Modal';
import { useAllDomains } from '../domains/queries';
import { useHosts } from '../hosts/queries';
import { useCan } from '../session/queries';
import { rankItems, type PaletteItem } from './palette';
import { openConsole, type ConsoleRoute } from './route';
import './consoles.css';
import { useTranslation } from 'react-i18next';

export const useQuickConsole = create<{ open: boolean; setOpen(open: boolean): void }>((set) => ({
  open: false,
  setOpen: (open) => set({ open }),
}));

/** Ctrl+Shift+K (⌘⇧K): Ctrl+K alone belongs to the tree filter. */
export const isQuickConsoleKey = (e: KeyboardEvent) => (e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'k';

/**
 * The console palette: from anywhere, Ctrl+Shift+K, a few letters of the
 * VM's name, Enter — its display opens. Shift+Enter opens the serial
 * console, Ctrl+Enter a new window.
 */
export function QuickConsole() {
  const open = useQuickConsole((s) => s.open);
  const setOpen = useQuickConsole((s) => s.setOpen);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isQuickConsoleKey(e)) return;
      // Capture phase, before noVNC or xterm.js swallow the keys and before the tree's Ctrl+K.
      e.preventDefault();
      e.stopImmediatePropagation();
      setOpen(!useQuickConsole.getState().open);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [setOpen]);
  return open ? <Palette onClose={() => setOpen(false)} /> : null;
}

function Palette({ onClose }: { onClose(): void }) {
  const { t } = useTranslation('consoles');
  const hosts = useHosts();
  const list = useMemo(() => hosts.data ?? [], [hosts.data]);
  const { views } = useAllDomains(list);
  const can = useCan();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);

  const items = useMemo(() => {
    const out: PaletteItem[] = [];
    for (const h of list) {
      const v = views.get(h.config.id);
      if (v?.status === 'ready') {
        for (const d of v.list) {
          out.push({
            id: `${d.hostId}/${d.uuid}`,
            label: d.name,
            detail: `${h.config.name} · ${d.state}`,
            keywords: `${h.config.name} ${h.config.id}`,
            live: d.state !== 'shutoff' && d.state !== 'crashed',
            route: { kind: 'domain', hostId: d.hostId, uuid: d.uuid, view: 'display' },
          });
        }
      }
      if (can.hostShell && h.state.status === 'connected' && h.config.target.transport === 'ssh') {
        out.push({ id: `shell/${h.config.id}`, label: `Shell on ${h.config.name}`, detail: 'host shell', keywords: `${h.config.id} shell ssh`, live: false, route: { kind: 'shell', hostId: h.config.id } });
      }
    }
    return out;
  }, [list, views, can.hostShell]);
  const shown = useMemo(() => rankItems(items, query), [items, query]);
  const current = Math.min(active, Math.max(0, shown.length - 1));

  const go = (item: PaletteItem | undefined, how: { serial: boolean; window: boolean }) => {
    if (!item) return;
    const route: ConsoleRoute = item.route.kind === 'domain' && how.serial ? { ...item.route, view: 'serial' } : item.route;
    onClose();
    openConsole(route, how.window ? 'window' : 'here');
  };

  return (
    <Modal title={t('quick.title')} onClose={onClose} size="medium" testId="quick-console">
      <input
        data-autofocus
        className="quick-console-input"
        type="text"
        role="combobox"
        aria-expanded
        aria-controls="quick-console-list"
        aria-activedescendant={shown[current] ? `qc-${current}` : undefined}
        placeholder={t('quick.placeholder')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            const n = shown.length || 1;
            setActive((current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
          } else if (e.key === 'Enter') {
            e.preventDefault();
            go(shown[current], { serial: e.shiftKey, window: e.ctrlKey || e.metaKey });
          }
        }}
        data-testid="quick-console-input"
      />
      <ul id="quick-console-list" className="quick-console-list" role="listbox">
        {shown.map((item, i) => (
          <li
            key={item.id}
            id={`qc-${i}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'active' : ''}
            onMouseEnter={() => setActive(i)}
            onClick={(e) => go(item, { serial: e.shiftKey, window: e.ctrlKey || e.metaKey })}
            data-testid="quick-console-item"
          >
            <span className="qc-label">{item.label}</span>
            <span className="qc-detail">{item.detail}</span>
          </li>
        ))}
        {shown.length === 0 && <li className="qc-empty">{items.length === 0 ? t('quick.noHosts') : t('quick.noMatch')}</li>}
      </ul>
    </Modal>
  );
}
