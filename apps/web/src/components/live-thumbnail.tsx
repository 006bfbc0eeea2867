'use client';
import { useState } from 'react';

/**
 * The stream's latest frame (the transcoder writes one every few seconds, served with a short
 * cache); until there is one, the card keeps its dark placeholder instead of a broken image.
 */
export function LiveThumbnail({ src }: { src: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  // biome-ignore lint/performance/noImgElement: live JPEGs from /hls, not assets Next could optimize
  return <img src={src} alt="" loading="lazy" width={320} height={180} onError={() => setFailed(true)} />;
}
