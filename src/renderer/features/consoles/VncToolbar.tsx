import type RFB from '@novnc/novnc';
import { useEffect, useRef, useState } from 'react';
import { ctrlAltF, sendChord, strokesFor, typeStroke } from './keys';
import { useTranslation } from 'react-i18next';

interface Props {
  rfb: RFB | null;
  scale: boolean;
  onScale(v: boolean): void;
  viewOnly: boolean;
  onViewOnly(v: boolean): void;
  remoteClipboard: string;
  onFullscreen(): void;
  onOpenWindow?: () => void;
  onReconnect(): void;
}

// Pace typed keys: QEMU queues key events, but a burst of thousands can
// outrun a guest that is still busy (a login prompt under TCG).
const KEY_GAP_MS = 8;

export function VncToolbar({ rfb, scale, onScale, viewOnly, onViewOnly, remoteClipboard, onFullscreen, onOpenWindow, onReconnect }: Props) {
  const { t } = useTranslation('consoles');
  const [clipOpen, setClipOpen] = useState(false);
  const [text, setText] = useState('');
  const [typing, setTyping] = useState<{ done: number; total: number } | null>(null);
  const stopTyping = useRef<() => void>(() => {});
  const live = rfb !== null && !viewOnly;

  // What the guest copies shows up here, ready to take.
  useEffect(() => {
    if (remoteClipboard) setText(remoteClipboard);
  }, [remoteClipboard]);
  useEffect(() => () => stopTyping.current(), []);

  const typeText = (value: string) => {
    if (!rfb) return;
    const strokes = strokesFor(value);
    let i = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      const s = strokes[i];
      if (!s) return setTyping(null);
      typeStroke(rfb, s);
      i++;
      if (i % 16 === 0 || i === strokes.length) setTyping({ done: i, total: strokes.length });
      timer = setTimeout(step, KEY_GAP_MS);
    };
    stopTyping.current = () => {
      clearTimeout(timer);
      setTyping(null);
    };
    setTyping({ done: 0, total: strokes.length });
    step();
  };

  const onKeys = (v: string) => {
    if (!rfb || !v) return;
    if (v === 'cad') rfb.sendCtrlAltDel();
    else sendChord(rfb, ctrlAltF(Number(v.slice(1))));
    rfb.focus();
  };

  return (
    <div className="console-toolbar" role="toolbar" aria-label={t('vnc.controls')}>
      <label className="console-check">
        <input type="checkbox" checked={scale} onChange={(e) => onScale(e.target.checked)} data-testid="vnc-scale" /> {t('vnc.scale')}
      </label>
      <label className="console-check">
        <input type="checkbox" checked={viewOnly} onChange={(e) => onViewOnly(e.target.checked)} data-testid="vnc-view-only" /> {t('vnc.viewOnly')}
      </label>
      <select
        aria-label={t('vnc.sendKeys')}
        value=""
        disabled={!live}
        onChange={(e) => {
          onKeys(e.target.value);
          e.target.value = '';
        }}
        data-testid="vnc-send-keys"
      >
        <option value="">{t('vnc.sendKeysEllipsis')}</option>
        <option value="cad">Ctrl+Alt+Del</option>
        {Array.from({ length: 12 }, (_, i) => (
          <option key={i} value={`f${i + 1}`}>
            Ctrl+Alt+F{i + 1}
          </option>
        ))}
      </select>
      <button type="button" className="small ghost" onClick={() => setClipOpen((o) => !o)} aria-expanded={clipOpen} data-testid="vnc-clipboard-toggle">
        {t('vnc.clipboard')}
      </button>
      <span className="console-toolbar-spacer" />
      <button type="button" className="small ghost" onClick={onReconnect} title={t('vnc.reconnectTip')}>
        {t('vnc.reconnect')}
      </button>
      <button type="button" className="small ghost" onClick={onFullscreen} data-testid="vnc-fullscreen">
        {t('vnc.fullscreen')}
      </button>
      {onOpenWindow && (
        <button type="button" className="small ghost" onClick={onOpenWindow} data-testid="console-new-window">
          {t('panel.newWindow')}
        </button>
      )}
      {clipOpen && (
        <div className="console-clipboard">
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={4}
            placeholder={t('vnc.clipPlaceholder')}
            aria-label={t('vnc.clipText')}
            data-testid="vnc-clipboard-text"
          />
          <div className="console-clipboard-actions">
            <button type="button" className="small" disabled={!live || !text} onClick={() => rfb?.clipboardPasteFrom(text)} title={t('vnc.sendClipTip')}>
              {t('vnc.sendClip')}
            </button>
            <button type="button" className="small" disabled={!live || !text || typing !== null} onClick={() => typeText(text)} data-testid="vnc-type-text" title={t('vnc.typeTip')}>
              {t('vnc.type')}
            </button>
            {typing && (
              <span className="console-typing">
                {t('vnc.typing', { done: typing.done, total: typing.total })}{' '}
                <button type="button" className="small ghost" onClick={() => stopTyping.current()}>
                  {t('vnc.stop')}
                </button>
              </span>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
