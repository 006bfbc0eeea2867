import type { ChatMessageView } from '@phzzk/contracts';
import { describe, expect, it } from 'vitest';
import { History } from './history.ts';
import type { CacheStore, HistoryCache, HistorySlice } from './ports.ts';

const view = (seq: number): ChatMessageView => ({
  seq,
  messageId: `0192f0c1-0000-7000-8000-${String(seq).padStart(12, '0')}`,
  user: { id: '0192f0c1-0000-7000-8000-000000000000', nickname: 'n', role: 'viewer' },
  text: `m${seq}`,
  sentAt: '2026-01-01T00:00:00.000Z',
});

/** A store holding `seqs` (served messages) and a cache holding those >= floor, as the service keeps them. */
function setup(seqs: number[], floor: number | undefined) {
  const all = seqs.map(view);
  const store: Pick<CacheStore, 'messagesBefore'> = {
    messagesBefore: async (_c, before, limit) =>
      all.filter((m) => m.seq < (before ?? Number.POSITIVE_INFINITY)).slice(-limit),
  };
  let cached: { floor: number; items: ChatMessageView[] } | undefined =
    floor === undefined ? undefined : { floor, items: all.filter((m) => m.seq >= floor) };
  let refills = 0;
  const cache: HistoryCache = {
    slice: async (_c, before, limit): Promise<HistorySlice | undefined> =>
      cached && {
        floor: cached.floor,
        items: cached.items.filter((m) => m.seq < (before ?? Number.POSITIVE_INFINITY)).slice(-limit),
      },
    generation: async () => '0',
    refill: async (_c, newest, complete) => {
      refills++;
      cached = { floor: complete ? 1 : (newest[0]?.seq ?? 1), items: newest };
      return true;
    },
  };
  const history = new History({ store: store as CacheStore, cache, cap: () => 5 });
  return { history, refills: () => refills };
}

async function walk(history: History, limit: number): Promise<number[]> {
  const out: number[] = [];
  let before: number | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await history.page('c', before, limit);
    out.unshift(...page.items.map((m) => m.seq));
    if (page.nextBefore === null) break;
    before = page.nextBefore;
  }
  return out;
}

describe('history paging', () => {
  // Seqs with holes: deleted messages and non-message events (deletions, clears) take seqs too.
  const seqs = [1, 2, 3, 5, 6, 8, 9, 10, 12, 13, 14, 15, 17];

  it('crosses from the cache into the store without a seam, whatever the page size', async () => {
    for (const limit of [1, 2, 3, 4, 7, 20]) {
      const { history } = setup(seqs, 9);
      expect(await walk(history, limit)).toEqual(seqs);
    }
  });

  it('refills a lost cache from the store on the first read', async () => {
    const { history, refills } = setup(seqs, undefined);
    expect(await walk(history, 3)).toEqual(seqs);
    expect(refills()).toBe(1);
  });

  it('answers from the store when the cache fails', async () => {
    const { history } = setup(seqs, 9);
    const broken = new History({
      store: { messagesBefore: async () => [view(1)] } as unknown as CacheStore,
      cache: {
        slice: async () => {
          throw new Error('redis away');
        },
      } as unknown as HistoryCache,
      cap: () => 5,
    });
    expect((await broken.page('c', undefined, 10)).items.map((m) => m.seq)).toEqual([1]);
    expect((await history.page('c', undefined, 2)).nextBefore).toBe(15);
  });
});
