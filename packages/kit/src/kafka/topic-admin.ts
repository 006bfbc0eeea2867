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
