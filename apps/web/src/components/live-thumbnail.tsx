/**
 * The stream's latest frame (the transcoder writes one every few seconds, served with a short
 * cache). Until there is one, the image fails to load and the card keeps its dark placeholder:
 * `.thumb img::after` covers the browser's broken-image icon (a pseudo-element shows only on an
 * image that did not load), so no client JavaScript is needed for it.
 */
export function LiveThumbnail({ src }: { src: string }) {
  // biome-ignore lint/performance/noImgElement: live JPEGs from /hls, not assets Next could optimize
  return <img src={src} alt="" loading="lazy" width={320} height={180} />;
}
