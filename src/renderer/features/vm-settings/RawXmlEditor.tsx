import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { xml as xmlLang } from '@codemirror/lang-xml';
import { unifiedMergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef, useState } from 'react';
import { ApiError, request } from '../../app/api';
import { ErrorState, LoadingState } from '../../ui/States';
import { domainKeys } from '../domains/queries';
import { settingsKeys } from './queries';
import { useTranslation } from 'react-i18next';

// The raw editor for people who know libvirt: CodeMirror with XML
// highlighting, a diff against the current definition before anything is
// sent, libvirt's own error with its line, and after a define the diff of
// what libvirt stored versus what was sent (so nothing is dropped silently).

export function RawXmlEditor({ hostId, uuid }: { hostId: string; uuid: string }) {
  const { t } = useTranslation('settings');
  const qc = useQueryClient();
  const current = useQuery({ queryKey: settingsKeys.xml(hostId, uuid), queryFn: () => request('vmSettings.getXml', { hostId, uuid }), staleTime: 0 });
  const host = useRef<HTMLDivElement>(null);
  const diffHost = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [dirty, setDirty] = useState(false);
  const define = useMutation({
    mutationFn: (xml: string) => request('vmSettings.defineXml', { hostId, uuid, xml }),
    onSuccess: () => {
      setReviewing(false);
      setDirty(false);
      void qc.invalidateQueries({ queryKey: settingsKeys.settings(hostId, uuid) });
      void qc.invalidateQueries({ queryKey: settingsKeys.xml(hostId, uuid) });
      void qc.invalidateQueries({ queryKey: domainKeys.detail(hostId, uuid) });
    },
    onError: (e) => {
      // Point at the line libvirt (or our parser) named.
      const line = e instanceof ApiError ? (e.error.detail as { line?: number } | undefined)?.line : undefined;
      const v = view.current;
      setReviewing(false);
      if (v && line && line <= v.state.doc.lines) {
        const l = v.state.doc.line(line);
        v.dispatch({ selection: { anchor: l.from, head: l.to }, effects: EditorView.scrollIntoView(l.from, { y: 'center' }) });
        v.focus();
      }
    },
  });

  useEffect(() => {
    if (!host.current || current.data === undefined) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: current.data.xml,
        extensions: [basicSetup, xmlLang(), EditorView.updateListener.of((u) => u.docChanged && setDirty(true))],
      }),
    });
    view.current = v;
    setDirty(false);
    return () => {
      v.destroy();
      view.current = null;
    };
  }, [current.data]);

  useEffect(() => {
    if (!reviewing || !diffHost.current || !view.current || !current.data) return;
    const d = new EditorView({
      parent: diffHost.current,
      state: EditorState.create({
        doc: view.current.state.doc.toString(),
        extensions: [basicSetup, xmlLang(), EditorState.readOnly.of(true), EditorView.editable.of(false), unifiedMergeView({ original: current.data.xml, mergeControls: false })],
      }),
    });
    return () => d.destroy();
  }, [reviewing, current.data]);

  if (current.isPending) return <LoadingState label={t('xml.reading')} />;
  if (current.error) return <ErrorState title={t('xml.readError')} error={current.error} onRetry={() => void current.refetch()} />;
  const err = define.error instanceof ApiError ? define.error : undefined;
  const line = (err?.error.detail as { line?: number } | undefined)?.line;
  return (
    <section className="section raw-xml" aria-labelledby="raw-xml-h" data-testid="raw-xml">
      <div className="settings-head">
        <h2 id="raw-xml-h">{t('xml.title')}</h2>
        <span className="settings-actions">
          <button type="button" className="ghost" disabled={!dirty || define.isPending} onClick={() => current.data && view.current?.setState(EditorState.create({ doc: current.data.xml, extensions: [basicSetup, xmlLang(), EditorView.updateListener.of((u) => u.docChanged && setDirty(true))] })) && undefined} data-testid="xml-revert">
            {t('revert')}
          </button>
          {!reviewing ? (
            <button type="button" disabled={!dirty} onClick={() => (define.reset(), setReviewing(true))} data-testid="xml-review">
              {t('xml.review')}
            </button>
          ) : (
            <>
              <button type="button" className="ghost" onClick={() => setReviewing(false)}>
                {t('xml.back')}
              </button>
              <button type="button" disabled={define.isPending} onClick={() => view.current && define.mutate(view.current.state.doc.toString())} data-testid="xml-apply">
                {t('xml.define')}
              </button>
            </>
          )}
        </span>
      </div>
      <p className="field-hint">{t('xml.hint')}</p>
      {err && (
        <div className="apply-error" role="alert" data-testid="xml-error">
          <strong>{line ? t('xml.notSavedLine', { line }) : t('xml.notSaved')}</strong> <span className="pre">{err.message}</span>
        </div>
      )}
      {reviewing && (
        <div>
          <p className="small">{t('xml.changes')}</p>
          <div ref={diffHost} className="cm-host" data-testid="xml-diff" />
        </div>
      )}
      <div ref={host} className="cm-host" style={{ display: reviewing ? 'none' : undefined }} data-testid="xml-editor" />
      {define.data && (
        <div className="apply-outcome" role="status" data-testid="xml-stored">
          {define.data.storedDiff ? (
            <>
              <p>{t('xml.storedDiff')}</p>
              <pre className="diff">{define.data.storedDiff}</pre>
            </>
          ) : (
            <p>{t('xml.savedExact')}</p>
          )}
        </div>
      )}
    </section>
  );
}
