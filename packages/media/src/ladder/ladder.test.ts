import { describe, expect, it } from 'vitest';
import { renditionsFor } from './ladder.ts';

describe('renditionsFor', () => {
  it('never goes above the source and keeps the aspect ratio with even sizes', () => {
    expect(renditionsFor({ width: 1280, height: 720 }).map((r) => `${r.name}:${r.width}x${r.height}`)).toEqual([
      'source:1280x720',
      '480p:854x480',
      '360p:640x360',
      '160p:284x160',
    ]);
    expect(renditionsFor({ width: 1920, height: 1080 }).map((r) => r.name)).toEqual([
      'source',
      '720p',
      '480p',
      '360p',
      '160p',
    ]);
    expect(renditionsFor({ width: 320, height: 180 }).map((r) => r.name)).toEqual(['source', '160p']);
    expect(renditionsFor({ width: 256, height: 144 }).map((r) => r.name)).toEqual(['source']);
    expect(renditionsFor({ width: 720, height: 1280 })[1]).toMatchObject({ name: '720p', width: 406, height: 720 });
  });
});
