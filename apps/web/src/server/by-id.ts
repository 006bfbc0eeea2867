import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import type { ApiClient } from '../api/client.ts';
import { serverApi } from './api.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `what` with this id, as `read` gets it from the API as the caller; a malformed id, or one the
 * API does not know (404, 400), is the 404 page; any other answer throws.
 */
export async function byIdOr404<T>(
  what: string,
  id: string,
  read: (api: ApiClient, id: string) => Promise<{ data?: T; response: Response }>,
): Promise<T> {
  if (!UUID.test(id)) notFound();
  const { api } = await serverApi();
  const { data, response } = await read(api, id);
  if (data) return data;
  if (response.status === 404 || response.status === 400) notFound();
  throw new Error(`${what} ${id}: the API answered ${response.status}`);
}

/**
 * `generateMetadata` of a page with one id in its path (`/clip/[clipId]` ...): the title of the
 * item `load` finds for the id (its 404 is the page's).
 */
export function titleFromParam<K extends string, T>(
  key: K,
  load: (id: string) => Promise<T>,
  title: (item: T) => string,
): (props: { params: Promise<Record<K, string>> }) => Promise<Metadata> {
  return async ({ params }) => ({ title: title(await load((await params)[key])) });
}
