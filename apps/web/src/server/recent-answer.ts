/**
 * `load`, called at most once per `ttlMs`: callers within that time share its answer (also while
 * it is in flight). An answer of `undefined` or a failure is not kept, so the next caller tries
 * again at once.
 */
export function recentAnswer<T>(
  load: () => Promise<T | undefined>,
  options: { ttlMs: number; now?: () => number },
): () => Promise<T | undefined> {
  const now = options.now ?? Date.now;
  let recent: { at: number; answer: Promise<T | undefined> } | undefined;
  return () => {
    const at = now();
    if (recent && at - recent.at < options.ttlMs) return recent.answer;
    const entry = { at, answer: load() };
    recent = entry;
    const forget = () => {
      if (recent === entry) recent = undefined;
    };
    entry.answer.then((value) => value === undefined && forget(), forget);
    return entry.answer;
  };
}
