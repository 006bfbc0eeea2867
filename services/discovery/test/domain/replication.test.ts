import { describe, expect, it } from 'vitest';
import { DiscoveryNode } from '../../src/domain/discovery-node.ts';
import { ReplicationQueue, type ReplicationTask } from '../../src/domain/replication-queue.ts';
import { instance, testRegistry } from './fixtures.ts';

const task = (action: ReplicationTask['action'], id: string): ReplicationTask => ({ action, appName: 'USER', id });

describe('ReplicationQueue', () => {
  it('coalesces heartbeats behind a queued heartbeat or registration, and drops them behind a cancel', () => {
    const queue = new ReplicationQueue();
    queue.push(task('Register', 'a'));
    queue.push(task('Heartbeat', 'a'));
    queue.push(task('Heartbeat', 'b'));
    queue.push(task('Heartbeat', 'b'));
    queue.push(task('Cancel', 'b'));
    queue.push(task('Heartbeat', 'b')); // after the cancel: kept, the peer will answer 404
    expect(queue.take(10).map((t) => `${t.action}:${t.id}`)).toEqual(['Register:a', 'Cancel:b', 'Heartbeat:b']);
    queue.push(task('Heartbeat', 'a'));
    expect(queue.size).toBe(1);
  });

  it('puts back an undelivered batch without its heartbeats, and stays bounded', () => {
    const queue = new ReplicationQueue(3);
    queue.putBack([task('Register', 'a'), task('Heartbeat', 'b')]);
    expect(queue.take(10).map((t) => t.action)).toEqual(['Register']);
    for (const id of ['a', 'b', 'c']) queue.push(task('Heartbeat', id));
    queue.push(task('Register', 'd'));
    expect(queue.take(10).map((t) => `${t.action}:${t.id}`)).toEqual(['Heartbeat:b', 'Heartbeat:c', 'Register:d']);
  });
});

describe('DiscoveryNode replication decisions', () => {
  function node() {
    const { registry, clock } = testRegistry();
    const sent: ReplicationTask[] = [];
    return { node: new DiscoveryNode(registry, { replicate: (t) => sent.push(t) }), sent, clock, registry };
  }

  it('replicates what clients do and never what peers replicated', () => {
    const { node: n, sent } = node();
    n.register(instance('a'), false);
    n.renew('USER', 'a', { replication: false });
    n.setStatusOverride('USER', 'a', 'OUT_OF_SERVICE', undefined, false);
    n.deleteStatusOverride('USER', 'a', 'UP', undefined, false);
    n.updateMetadata('USER', 'a', { k: 'v' }, false);
    n.cancel('USER', 'a', false);
    expect(sent.map((t) => t.action)).toEqual([
      'Register',
      'Heartbeat',
      'StatusUpdate',
      'DeleteStatusOverride',
      'Register',
      'Cancel',
    ]);
    sent.length = 0;
    n.register(instance('b'), true);
    n.renew('USER', 'b', { replication: true });
    n.cancel('USER', 'b', true);
    expect(sent).toEqual([]);
    // Failed operations are not replicated.
    n.renew('USER', 'nope', { replication: false });
    n.cancel('USER', 'nope', false);
    expect(sent).toEqual([]);
  });

  it('sends a heartbeat that changed the status as a full registration', () => {
    const { node: n, sent } = node();
    n.register(instance('a'), true);
    n.renew('USER', 'a', { status: 'DOWN', replication: false });
    expect(sent.map((t) => [t.action, t.status])).toEqual([['Register', 'DOWN']]);
  });

  it('answers a peer that lacks an instance with its registration, and adopts a newer one from a peer', () => {
    const { node: n, sent, registry } = node();
    n.register(instance('a', { lastDirtyTimestamp: 5 }), true);
    n.onPeerAnswer(task('Heartbeat', 'a'), 404, undefined);
    expect(sent.map((t) => [t.action, t.instance?.info.instanceId])).toEqual([['Register', 'a']]);
    n.onPeerAnswer(task('Heartbeat', 'a'), 409, instance('a', { lastDirtyTimestamp: 9, metadata: { from: 'peer' } }));
    expect(registry.get('USER', 'a')?.info.metadata).toEqual({ from: 'peer' });
  });
});
