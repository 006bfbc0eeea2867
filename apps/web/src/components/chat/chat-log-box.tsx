import type { ReactNode, Ref } from 'react';

/** The scrolling box of a chat (live or replayed): a `log` named `label`, reachable by keyboard. */
export function ChatLogBox({
  ref,
  label,
  onScroll,
  children,
}: {
  ref: Ref<HTMLDivElement>;
  label: string;
  onScroll?: () => void;
  children: ReactNode;
}) {
  return (
    <div
      ref={ref}
      className="chat-log"
      role="log"
      aria-label={label}
      onScroll={onScroll}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must be reachable by keyboard
      tabIndex={0}
    >
      {children}
    </div>
  );
}
