import { EventStreamParser, type ServerSentEvent } from '@phzzk/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Discovery, http, registration, startDiscovery, waitFor } from './helpers.ts';

/** A raw watch stream: every event and comment line it received, in order. */
async function openWatch(url: string, lastEventId?: string) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  const events: ServerSentEvent[] = [];
  let raw = '';
  const parser = new EventStreamParser();
  const done = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        events.push(...parser.feed(text));
      }
    } catch {
      // aborted
    }
  })();
  return {
    res,
    events,
    raw: () => raw,
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

const instancesOf = (event: ServerSentEvent) =>
  JSON.parse(event.data).applications.application.flatMap(
    (a: { instance: { instanceId: string; actionType: string }[] }) =>
      a.instance.map((i) => `${i.instanceId}:${i.actionType}`),
  );

let discovery: Discovery;
let eureka: string;
beforeAll(async () => {
  discovery = await startDiscovery({ DISCOVERY_WATCH_HEARTBEAT_MS: '150' });
  eureka = `${discovery.url}/eureka`;
});
afterAll(() => discovery.stop());

describe('GET /eureka/watch (Server-Sent Events)', () => {
  it('sends a snapshot first, then deltas with versions, and heartbeat comments', async () => {
    await http('POST', `${eureka}/apps/ONE`, { body: registration('one', 'one-1', 7001) });
    const watch = await openWatch(`${eureka}/watch`);
    expect(watch.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const snapshot = await waitFor('the snapshot', () => watch.events[0]);
    expect(snapshot.event).toBe('snapshot');
    expect(instancesOf(snapshot)).toContain('one-1:ADDED');
    const [nodeId, version] = [
      snapshot.id!.slice(0, snapshot.id!.lastIndexOf(':')),
      Number(snapshot.id!.split(':').at(-1)),
    ];
    expect(nodeId).toMatch(/^discovery-/);

    await http('POST', `${eureka}/apps/ONE`, { body: registration('one', 'one-2', 7002) });
    await http('PUT', `${eureka}/apps/ONE/one-1/status?value=OUT_OF_SERVICE`);
    await http('DELETE', `${eureka}/apps/ONE/one-2`);
    await waitFor('three deltas', () => watch.events.filter((e) => e.event === 'delta').length >= 3);
    const deltas = watch.events.filter((e) => e.event === 'delta');
    expect(deltas.map(instancesOf)).toEqual([['one-2:ADDED'], ['one-1:MODIFIED'], ['one-2:DELETED']]);
    expect(deltas.map((d) => Number(d.id!.split(':').at(-1)))).toEqual([version + 1, version + 2, version + 3]);
    expect(JSON.parse(deltas[2]!.data).applications.apps__hashcode).toBe('OUT_OF_SERVICE_1_');

    await waitFor('a heartbeat comment', () => watch.raw().includes(': ping'));
    await watch.close();
  });

  it('resumes from Last-Event-ID with only the missed changes, and sends a snapshot for a foreign id', async () => {
    const first = await openWatch(`${eureka}/watch`);
    const snapshot = await waitFor('the snapshot', () => first.events[0]);
    await first.close();
    await http('POST', `${eureka}/apps/TWO`, { body: registration('two', 'two-1', 7003) });

    const resumed = await openWatch(`${eureka}/watch`, snapshot.id);
    const event = await waitFor('the missed change', () => resumed.events[0]);
    expect(event.event).toBe('delta');
    expect(instancesOf(event)).toEqual(['two-1:ADDED']);
    await resumed.close();

    const foreign = await openWatch(`${eureka}/watch`, 'another-node:3');
    expect((await waitFor('a snapshot', () => foreign.events[0])).event).toBe('snapshot');
    await foreign.close();
  });

  it('ends open streams when the node shuts down, so it can stop at once', async () => {
    const node = await startDiscovery();
    const watch = await openWatch(`${node.url}/eureka/watch`);
    await waitFor('the snapshot', () => watch.events[0]);
    const started = Date.now();
    await node.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    await watch.close();
  });
});
