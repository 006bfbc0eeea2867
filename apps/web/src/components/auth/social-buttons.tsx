import { getI18n } from '../../i18n/server.ts';
import type { MessageKey } from '../../i18n/translate.ts';

const NAMED = new Set(['google', 'kakao', 'naver', 'github']);

/** One button per provider the auth service has enabled; none when there are none. */
export async function SocialButtons({ providers, returnTo }: { providers: string[]; returnTo: string }) {
  if (providers.length === 0) return null;
  const { t } = await getI18n();
  return (
    <div className="social">
      <p className="muted" style={{ margin: 0 }}>
        {t('social.or')}
      </p>
      {providers.map((id) => (
        <a
          key={id}
          className="btn"
          data-testid={`social-${id}`}
          href={`/session/social/start/${id}?returnTo=${encodeURIComponent(returnTo)}`}
        >
          {NAMED.has(id) ? t(`social.with.${id}` as MessageKey) : t('social.withOther', { provider: id })}
        </a>
      ))}
    </div>
  );
}
