'use client';
import { useEffect, useRef, useState } from 'react';

/**
 * The stream's latest frame (the transcoder writes one every few seconds, served with a short
 * cache); until there is one, the card keeps its dark placeholder instead of a broken image.
 */
export function LiveThumbnail({ src }: { src: string }) {
  const [failed, setFailed] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  // An error before hydration fired no React handler: check what the browser already knows.
  useEffect(() => {
    const img = image.current;
    if (img?.complete && img.naturalWidth === 0) setFailed(true);
  }, []);
  if (failed) return null;
  return (
    // biome-ignore lint/performance/noImgElement: live JPEGs from /hls, not assets Next could optimize
    <img ref={image} src={src} alt="" loading="lazy" width={320} height={180} onError={() => setFailed(true)} />
  );
}
