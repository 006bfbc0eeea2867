'use client';
import type { Vod, VodVisibility } from '@phzzk/contracts';
import { useId, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';

/** The channel owner's controls of one VOD: rename, public/unlisted, delete (after a confirmation). */
export function VodManage({
  vod,
  onChanged,
  onDeleted,
}: {
  vod: Vod;
  onChanged(vod: Vod): void;
  onDeleted(id: string): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [title, setTitle] = useState(vod.title);
  const [visibility, setVisibility] = useState<VodVisibility>(vod.visibility);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<'vod.saved' | 'vod.failed' | null>(null);
  const params = { params: { path: { id: vod.id } } };

  const save = async () => {
    setBusy(true);
    const change = {
      ...(title.trim() !== vod.title ? { title: title.trim() } : {}),
      ...(visibility !== vod.visibility ? { visibility } : {}),
    };
    if (Object.keys(change).length === 0) {
      setBusy(false);
      setMessage('vod.saved');
      return;
    }
    const { data } = await apiClient('/bff')
      .PATCH('/api/vods/{id}', { ...params, body: change })
      .catch(() => ({ data: undefined }));
    setBusy(false);
    setMessage(data ? 'vod.saved' : 'vod.failed');
    if (data) onChanged(data);
  };

  const remove = async () => {
    setBusy(true);
    const { response } = await apiClient('/bff')
      .DELETE('/api/vods/{id}', params)
      .catch(() => ({ response: undefined }));
    setBusy(false);
    if (response?.status === 204) onDeleted(vod.id);
    else setMessage('vod.failed');
  };

  return (
    <details className="vod-manage" data-testid="vod-manage">
      <summary>{t('vod.manage', { title: vod.title })}</summary>
      <form
        className="vod-manage-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={`${id}-title`}>{t('vod.titleLabel')}</label>
        <input
          id={`${id}-title`}
          className="input"
          value={title}
          maxLength={140}
          required
          onChange={(e) => setTitle(e.target.value)}
          data-testid="vod-title-input"
        />
        <label htmlFor={`${id}-visibility`}>{t('vod.visibility')}</label>
        <select
          id={`${id}-visibility`}
          className="input"
          value={visibility}
          onChange={(e) => setVisibility(e.target.value as VodVisibility)}
          data-testid="vod-visibility"
        >
          <option value="public">{t('vod.public')}</option>
          <option value="unlisted">{t('vod.unlisted')}</option>
        </select>
        <div className="vod-manage-actions">
          <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
            {t('vod.save')}
          </button>
          {confirming ? (
            <>
              <span role="alert">{t('vod.deleteConfirm')}</span>
              <button type="button" className="btn btn-danger btn-small" onClick={remove} disabled={busy}>
                {t('vod.deleteYes')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
                {t('vod.cancel')}
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-danger btn-small" onClick={() => setConfirming(true)}>
              {t('vod.delete')}
            </button>
          )}
        </div>
        <p role="status" className={message === 'vod.failed' ? 'form-error' : 'form-ok'}>
          {message ? t(message) : ''}
        </p>
      </form>
    </details>
  );
}
