/**
 * Answers shared by key: `share(key, load)` calls `load` only when no answer for `key` is younger
 * than `windowMs`, and callers within the window get that answer (also while it is in flight). An
 * answer `keep` refuses, or a failure, is forgotten, so the next caller loads again at once.
 */
export function sharedAnswers<T>(options: {
  windowMs: number;
  keep?: (answer: T) => boolean;
  now?: () => number;
}): (key: string, load: () => Promise<T>) => Promise<T> {
  const now = options.now ?? Date.now;
  const recent = new Map<string, { at: number; answer: Promise<T> }>();
  return (key, load) => {
    const at = now();
    for (const [k, entry] of recent) if (at - entry.at >= options.windowMs) recent.delete(k);
    const known = recent.get(key);
    if (known) return known.answer;
    const entry = { at, answer: load() };
    recent.set(key, entry);
    const forget = () => {
      if (recent.get(key) === entry) recent.delete(key);
    };
    entry.answer.then((answer) => {
      if (options.keep && !options.keep(answer)) forget();
    }, forget);
    return entry.answer;
  };
}
