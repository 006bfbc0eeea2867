// Player icons as inline SVG: no icon font, nothing the system fonts may lack.
// Decorative: each button that holds one has its own accessible name.

/** One 24×24 path drawn in the text colour, 18 px wide. */
function Icon({ path }: { path: string }) {
  return (
    <svg width={18} height={18} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
      <path d={path} />
    </svg>
  );
}

export const PlayIcon = () => <Icon path="M7 4v16l13-8z" />;
export const PauseIcon = () => <Icon path="M6 4h4v16H6zM14 4h4v16h-4z" />;
export const VolumeIcon = () => <Icon path="M3 9v6h4l5 5V4L7 9zM16 7.5a5 5 0 0 1 0 9v-2.2a3 3 0 0 0 0-4.6z" />;
export const MutedIcon = () => (
  <Icon path="M3 9v6h4l5 5V4L7 9zM16.6 9l-1.4 1.4L16.8 12l-1.6 1.6 1.4 1.4 1.6-1.6 1.6 1.6 1.4-1.4-1.6-1.6 1.6-1.6-1.4-1.4-1.6 1.6z" />
);
export const FullscreenIcon = () => (
  <Icon path="M4 4h6v2H6v4H4zM14 4h6v6h-2V6h-4zM4 14h2v4h4v2H4zM18 14h2v6h-6v-2h4z" />
);
