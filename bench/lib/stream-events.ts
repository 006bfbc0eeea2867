import { type StreamStarted, Topics } from '@phzzk/contracts';
import type { EventProducer } from '@phzzk/kit';
import { v7 as uuidv7 } from 'uuid';

/**
 * `stream.started` for a channel as ingest would publish it, without any media behind it: a new
 * session, no tracks, now; `data` sets the rest (the tracks the benchmark pretends to, its own
 * session id ...).
 */
export function publishStreamStarted(
  producer: EventProducer,
  channelId: string,
  data: Partial<StreamStarted['data']> = {},
) {
  return producer.publish(Topics.channelEvents, 'stream.started', {
    sessionId: uuidv7(),
    channelId,
    ingestNode: 'bench',
    sourceUrl: 'http://127.0.0.1:1/source.flv',
    video: null,
    audio: null,
    bitrateKbps: null,
    startedAt: new Date().toISOString(),
    ...data,
  });
}
