import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideEnd, decideStart, type SessionState } from './live-session.ts';

const at = (s: number) => new Date(1_700_000_000_000 + s * 1000);

describe('decideStart / decideEnd', () => {
  it('go live, supersede a stale session, keep history for late or ended sessions', () => {
    expect(decideStart(undefined, undefined, at(10))).toEqual({ kind: 'go-live', supersede: undefined });
    const live = { id: 'a', startedAt: at(5), endedAt: null };
    expect(decideStart(undefined, live, at(10))).toEqual({ kind: 'go-live', supersede: 'a' });
    expect(decideStart(undefined, live, at(1))).toEqual({ kind: 'record-superseded', endedAt: at(5) });
    expect(decideStart(live, live, at(5))).toEqual({ kind: 'duplicate' });
    expect(decideStart({ id: 'b', startedAt: null, endedAt: at(7) }, live, at(6))).toEqual({ kind: 'record-ended' });
  });

  it('end a live session once; remember an end that came first', () => {
    expect(decideEnd(undefined)).toEqual({ kind: 'remember-end' });
    expect(decideEnd({ id: 'a', startedAt: at(1), endedAt: null })).toEqual({ kind: 'end' });
    expect(decideEnd({ id: 'a', startedAt: at(1), endedAt: at(2) })).toEqual({ kind: 'ignore' });
    expect(decideEnd({ id: 'a', startedAt: null, endedAt: at(2) })).toEqual({ kind: 'ignore' });
  });

  // A model of the channel's sessions driven only by the decisions: whatever the delivery order
  // (duplicates included), at most one session is live, and once every session's end has been
  // delivered none is.
  it('never leaves a channel live after every end was delivered, in any order', () => {
    type Ev = { kind: 'start' | 'end'; session: number };
    const sessions = fc.integer({ min: 1, max: 4 });
    fc.assert(
      fc.property(
        sessions.chain((n) =>
          fc
            .shuffledSubarray(
              Array.from({ length: n }, (_, s) => [
                { kind: 'start' as const, session: s },
                { kind: 'end' as const, session: s },
              ]).flat(),
              { minLength: 2 * n, maxLength: 2 * n },
            )
            .chain((events) => fc.tuple(fc.constant(events), fc.array(fc.constantFrom(...events), { maxLength: 4 }))),
        ),
        ([events, duplicates]) => {
          const state = new Map<string, SessionState>();
          const liveOne = () => [...state.values()].filter((s) => s.startedAt && !s.endedAt);
          const apply = (e: Ev) => {
            const id = String(e.session);
            const existing = state.get(id);
            if (e.kind === 'end') {
              const d = decideEnd(existing);
              if (d.kind === 'remember-end') state.set(id, { id, startedAt: null, endedAt: at(100 + e.session) });
              if (d.kind === 'end' && existing) existing.endedAt = at(100 + e.session);
              return;
            }
            const d = decideStart(existing, liveOne()[0], at(e.session));
            if (d.kind === 'record-ended' && existing) existing.startedAt = at(e.session);
            if (d.kind === 'record-superseded') state.set(id, { id, startedAt: at(e.session), endedAt: d.endedAt });
            if (d.kind === 'go-live') {
              const old = d.supersede ? state.get(d.supersede) : undefined;
              if (old) old.endedAt = at(e.session);
              state.set(id, { id, startedAt: at(e.session), endedAt: null });
            }
          };
          for (const e of [...events, ...duplicates]) {
            apply(e);
            expect(liveOne().length).toBeLessThanOrEqual(1);
          }
          expect(liveOne()).toEqual([]);
        },
      ),
    );
  });
});
