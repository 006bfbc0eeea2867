import { connect } from 'node:net';
import { ensureTopics } from '@phzzk/kit';
import { afterAll, describe, expect, it } from 'vitest';
import { type PrivateKafka, startPrivateKafka } from './private-kafka.ts';

let kafka: PrivateKafka | undefined;

afterAll(async () => {
  await kafka?.stop();
}, 60_000);

const listening = (broker: string) =>
  new Promise<boolean>((resolve) => {
    const [host, port] = broker.split(':');
    const socket = connect(Number(port), host!);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('startPrivateKafka', () => {
  it('runs a broker of its own on another port, restarts it on the same data, stops it', async () => {
    kafka = await startPrivateKafka();
    const [broker] = kafka.brokers;
    expect(broker).not.toBe('127.0.0.1:9092');
    await ensureTopics(kafka.brokers, [{ name: 'private.kafka.test', partitions: 2 }]);
    await kafka.restart();
    // Same data: the topic is still there (creating it again is a no-op, not an error).
    await ensureTopics(kafka.brokers, [{ name: 'private.kafka.test', partitions: 2 }]);
    expect(await listening(broker!)).toBe(true);
    await kafka.stop();
    kafka = undefined;
    expect(await listening(broker!)).toBe(false);
  }, 240_000);
});
