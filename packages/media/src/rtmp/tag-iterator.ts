// Async iteration over a live tag source with a bounded queue: a consumer that falls more than
// maxBufferedBytes behind gets an error instead of growing the server's memory.
import type { FlvTag } from '../flv/tag.ts';

export class TagQueueOverflowError extends Error {
  override readonly name = 'TagQueueOverflowError';
}

export type TagIteratorOptions = { maxBufferedBytes?: number };

type Subscribe = (subscriber: { tag(tag: FlvTag): void; end(): void }) => () => void;

export function tagIterator(subscribe: Subscribe, options: TagIteratorOptions = {}): AsyncIterableIterator<FlvTag> {
  const max = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  const queue: FlvTag[] = [];
  let buffered = 0;
  let ended = false;
  let failure: Error | undefined;
  let waiting: { resolve: (r: IteratorResult<FlvTag>) => void; reject: (e: Error) => void } | undefined;

  const settle = (): void => {
    if (!waiting) return;
    const w = waiting;
    if (queue.length > 0) {
      waiting = undefined;
      const tag = queue.shift()!;
      buffered -= tag.data.length;
      w.resolve({ value: tag, done: false });
    } else if (failure) {
      waiting = undefined;
      w.reject(failure);
    } else if (ended) {
      waiting = undefined;
      w.resolve({ value: undefined, done: true });
    }
  };

  const unsubscribe = subscribe({
    tag(tag) {
      if (ended) return;
      if (buffered + tag.data.length > max) {
        failure = new TagQueueOverflowError(`tag consumer fell more than ${max} bytes behind`);
        ended = true;
        queue.length = 0;
        buffered = 0;
        unsubscribe();
      } else {
        queue.push(tag);
        buffered += tag.data.length;
      }
      settle();
    },
    end() {
      ended = true;
      settle();
    },
  });

  const iterator: AsyncIterableIterator<FlvTag> = {
    next() {
      if (waiting) return Promise.reject(new Error('tag iterator: next() called concurrently'));
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      });
    },
    return() {
      ended = true;
      queue.length = 0;
      unsubscribe();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
