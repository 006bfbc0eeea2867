'use client';
import { useEffect, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';

/** The stream key (hidden until revealed), copy, rotation with confirmation, ingest URL, OBS guide. */
export function StreamKeyPanel({ onRotated }: { onRotated(): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState<{ streamKey: string; ingestUrl: string } | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  useEffect(() => {
    void apiClient('/bff')
      .GET('/api/channels/me/stream-key')
      .then(({ data }) => {
        if (data) setKey(data);
        else setNote(t('studio.keyUnavailable'));
      });
  }, [t]);
  const copy = async () => {
    if (!key) return;
    try {
      await navigator.clipboard.writeText(key.streamKey);
      setNote(t('studio.copied'));
    } catch {
      setRevealed(true);
      setNote(t('studio.copyFailed'));
    }
  };
  const rotate = async () => {
    setConfirming(false);
    const { data } = await apiClient('/bff').POST('/api/channels/me/stream-key/rotate');
    if (!data) {
      setNote(t('studio.rotateFailed'));
      return;
    }
    setKey(data);
    setRevealed(true);
    setNote(t('studio.rotated'));
    onRotated();
  };
  return (
    <section className="panel" aria-labelledby="key-heading">
      <h2 id="key-heading">{t('studio.streamKey')}</h2>
      <div className="key-row">
        <code data-testid="stream-key">{key ? (revealed ? key.streamKey : '•'.repeat(24)) : '…'}</code>
        <button type="button" className="btn btn-small" onClick={() => setRevealed((r) => !r)} disabled={!key}>
          {revealed ? t('studio.hide') : t('studio.reveal')}
        </button>
        <button type="button" className="btn btn-small" onClick={copy} disabled={!key}>
          {t('studio.copy')}
        </button>
        {confirming ? (
          <fieldset className="key-row" style={{ border: 0, margin: 0, padding: 0 }}>
            <legend style={{ float: 'left', marginRight: 8 }}>{t('studio.rotateConfirm')}</legend>
            <button type="button" className="btn btn-small btn-danger" onClick={rotate}>
              {t('studio.rotateYes')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
              {t('studio.cancel')}
            </button>
          </fieldset>
        ) : (
          <button
            type="button"
            className="btn btn-small btn-danger"
            onClick={() => setConfirming(true)}
            disabled={!key}
          >
            {t('studio.rotate')}
          </button>
        )}
      </div>
      <p role="status" className="muted" data-testid="key-note">
        {note}
      </p>
      <h3 style={{ fontSize: 15 }}>{t('studio.ingestUrl')}</h3>
      <p>
        <code className="mono" data-testid="ingest-url">
          {key?.ingestUrl ?? 'rtmp://localhost:1935/live'}
        </code>
      </p>
      <details className="guide">
        <summary>{t('studio.obsGuide')}</summary>
        <ol>
          <li>{t('studio.obs1')}</li>
          <li>{t('studio.obs2')}</li>
          <li>{t('studio.obs3')}</li>
          <li>{t('studio.obs4')}</li>
        </ol>
        <p className="mono" style={{ fontSize: 12 }}>
          ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -tune zerolatency -g 30 -c:a aac -f flv{' '}
          {key?.ingestUrl ?? 'rtmp://localhost:1935/live'}/&lt;key&gt;
        </p>
      </details>
    </section>
  );
}
