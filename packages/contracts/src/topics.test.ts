import { describe, expect, it } from 'vitest';
import { allTopicSpecs, deadLetterTopic, Topics, topicSpecs } from './topics.ts';

describe('topicSpecs', () => {
  it('gives each topic with its partitions, then its dead-letter topic on one partition', () => {
    expect(topicSpecs([Topics.channelEvents, { name: 'demo', partitions: 3 }])).toEqual([
      { name: Topics.channelEvents.name, partitions: Topics.channelEvents.partitions },
      { name: deadLetterTopic(Topics.channelEvents.name), partitions: 1 },
      { name: 'demo', partitions: 3 },
      { name: 'demo.dlq', partitions: 1 },
    ]);
  });

  it('is empty for no topics; allTopicSpecs covers every topic twice', () => {
    expect(topicSpecs([])).toEqual([]);
    expect(allTopicSpecs()).toHaveLength(Object.keys(Topics).length * 2);
  });
});
