// Which part of a VOD the "clip" button asks for: 30 s from the playback position, moved back so
// that it fits inside what is recorded, shorter only when the whole VOD is shorter.

export const CLIP_SECONDS = 30;

export function vodClipRange(
  position: number,
  durationSeconds: number,
  limits: { min: number; max: number } = { min: 5, max: 60 },
  wanted = CLIP_SECONDS,
): { startSeconds: number; durationSeconds: number } | undefined {
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) return undefined;
  // Whole tenths, a little inside the media: its duration is a sum of float segment lengths.
  const length = Math.floor(Math.min(wanted, limits.max, durationSeconds - 0.1) * 10) / 10;
  if (length < limits.min) return undefined;
  const start = Math.min(Math.max(0, Number.isFinite(position) ? position : 0), durationSeconds - length - 0.05);
  return { startSeconds: Math.max(0, Math.floor(start * 10) / 10), durationSeconds: length };
}
