import { NextResponse } from 'next/server';
import { isLocale, LOCALE_COOKIE } from '../../../i18n/locales.ts';
import { jsonBody, problem, refuseCrossSite } from '../../../server/route-helpers.ts';
import { isHttps } from '../../../server/session-cookies.ts';

/** The language switcher: remembers the choice for a year (it wins over Accept-Language). */
export async function POST(request: Request) {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const locale = (await jsonBody(request))?.locale;
  if (!isLocale(locale)) return problem(400, 'VALIDATION_FAILED', 'unknown locale');
  const answer = NextResponse.json({ locale });
  answer.cookies.set(LOCALE_COOKIE, locale, {
    path: '/',
    maxAge: 365 * 24 * 3600,
    sameSite: 'lax',
    secure: isHttps(request.headers, request.url),
  });
  return answer;
}
