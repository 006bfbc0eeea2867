import { Admin } from '@platformatic/kafka';

/** Creates the topics that do not exist yet (idempotent; existing ones are left as they are). */
export async function ensureTopics(
  brokers: string[],
  specs: { name: string; partitions: number }[],
): Promise<string[]> {
  const admin = new Admin({ clientId: 'phzzk-topic-admin', bootstrapBrokers: brokers, retries: 10, retryDelay: 500 });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    for (const spec of missing) {
      try {
        await admin.createTopics({ topics: [spec.name], partitions: spec.partitions, replicas: 1 });
      } catch (error) {
        if (
          !/already exists/i.test(
            String((error as Error).message) + JSON.stringify((error as { errors?: unknown }).errors ?? ''),
          )
        )
          throw error;
      }
    }
    return missing.map((s) => s.name);
  } finally {
    await admin.close();
  }
}

export async function deleteTopics(brokers: string[], names: string[]): Promise<void> {
  const admin = new Admin({ clientId: 'phzzk-topic-admin', bootstrapBrokers: brokers });
  try {
    await admin.deleteTopics({ topics: names });
  } finally {
    await admin.close();
  }
}

// Kafka error codes a DeleteGroups answer may carry per group.
const GROUP_ID_NOT_FOUND = 69;
/** Worth another try: NON_EMPTY_GROUP (its last member still leaving), coordinator loading/moving. */
const RETRIABLE = new Set([68, 14, 15, 16]);

/** The per-group error codes in a failed DeleteGroups call (@platformatic/kafka wraps them). */
function groupErrorCodes(error: unknown): number[] {
  const wrapped = (error as { errors?: unknown[] }).errors ?? [error];
  return wrapped.flatMap(
    (e) => (e as { response?: { results?: { errorCode: number }[] } }).response?.results?.map((r) => r.errorCode) ?? [],
  );
}

/**
 * Removes consumer groups with their committed offsets. A group still being left (its last member
 * not yet gone) is tried again a few times; a group that no longer exists counts as removed.
 */
export async function deleteConsumerGroups(brokers: string[], groups: string[], attempts = 5): Promise<void> {
  const admin = new Admin({ clientId: 'phzzk-group-admin', bootstrapBrokers: brokers, retries: 2, retryDelay: 200 });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.deleteGroups({ groups });
        return;
      } catch (error) {
        const all = groupErrorCodes(error);
        const codes = all.filter((c) => c !== 0 && c !== GROUP_ID_NOT_FOUND);
        if (all.length > 0 && codes.length === 0) return;
        if (attempt >= attempts || codes.length === 0 || !codes.every((c) => RETRIABLE.has(c))) throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  } finally {
    await admin.close();
  }
}
