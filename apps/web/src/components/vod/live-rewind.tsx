'use client';
import type { Vod } from '@phzzk/contracts';
import { useCallback, useEffect, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import { CLIP_SECONDS } from '../../vod/clip-range.ts';
import { LivePlayer } from '../player/live-player.tsx';
import { ClipButton } from './clip-button.tsx';
import { VodPlayer } from './vod-player.tsx';
import '../../app/vod.css';

/** How often the live session's VOD is looked for until the packager has made it. */
const FIND_VOD_MS = 3000;
/** A rewind starts this far before the recorded edge; the seek bar goes back to the start. */
const REWIND_SECONDS = 30;

/** The VOD the packager records for a live session (one per session, found by its sessionId). */
async function recordingOf(channelId: string, sessionId: string): Promise<Vod | undefined> {
  const { data } = await apiClient('/bff')
    .GET('/api/vods', { params: { query: { channelId, limit: 5 } } })
    .catch(() => ({ data: undefined }));
  return data?.items.find((v) => v.sessionId === sessionId);
}

/**
 * The live player with rewind and clip: "Rewind" plays the broadcast's recording (the live VOD's
 * EVENT playlist, `/vod/{id}/master.m3u8`) from 30 s before its edge, with the storyboard on its
 * seek bar back to the start, until "Back to live"; "Clip" makes a clip of the last 30 s.
 */
export function LiveRewind({
  channelId,
  sessionId,
  src,
  signedIn,
  onEnded,
}: {
  channelId: string;
  sessionId: string | null;
  src: string;
  signedIn: boolean;
  onEnded(): void;
}) {
  const { t } = useI18n();
  const [recording, setRecording] = useState<Vod | undefined>(undefined);
  const [rewound, setRewound] = useState<{ vod: Vod; startAt: number } | null>(null);
  const [unavailable, setUnavailable] = useState(false);

  useEffect(() => {
    if (!sessionId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = async () => {
      const vod = await recordingOf(channelId, sessionId);
      if (stopped) return;
      if (vod) setRecording(vod);
      else timer = setTimeout(look, FIND_VOD_MS);
    };
    void look();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [channelId, sessionId]);

  const rewind = useCallback(async () => {
    // The VOD as it is now: its duration says where the recorded edge is.
    const fresh = sessionId ? ((await recordingOf(channelId, sessionId)) ?? recording) : undefined;
    if (!fresh) {
      setUnavailable(true);
      return;
    }
    setUnavailable(false);
    setRewound({ vod: fresh, startAt: Math.max(0, fresh.durationSeconds - REWIND_SECONDS) });
  }, [channelId, sessionId, recording]);

  const clip = (
    <ClipButton
      signedIn={signedIn}
      label={t('clip.buttonLabelLive')}
      returnTo={`/live/${channelId}`}
      request={() => ({ channelId, durationSeconds: CLIP_SECONDS })}
    />
  );

  return (
    <>
      {rewound ? (
        <VodPlayer
          key={rewound.vod.id}
          src={rewound.vod.playlistUrl}
          storyboardUrl={rewound.vod.storyboardUrl}
          recording
          startAt={rewound.startAt}
        />
      ) : (
        <LivePlayer channelId={channelId} src={src} onEnded={onEnded} />
      )}
      <div className="live-tools" role="toolbar" aria-label={t('live.tools')} data-testid="live-tools">
        {rewound ? (
          <>
            <span className="badge-recording">{t('live.rewinding')}</span>
            <button type="button" className="btn btn-small" onClick={() => setRewound(null)}>
              {t('live.backToLive')}
            </button>
          </>
        ) : (
          <button
            type="button"
            className="btn btn-small"
            onClick={rewind}
            aria-label={t('live.rewindLabel')}
            data-testid="rewind-button"
          >
            {t('live.rewind')}
          </button>
        )}
        {unavailable && <span role="status">{t('live.rewindUnavailable')}</span>}
        {clip}
      </div>
    </>
  );
}
