import { describe, expect, it } from 'vitest';
import { kafkaJvmOptions, kafkaLog4j2Properties, kafkaServerProperties, newClusterId } from './kafka-config.ts';

function parse(properties: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of properties.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    expect(map.has(line.slice(0, at)), `duplicate ${line}`).toBe(false);
    map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

describe('kafkaServerProperties', () => {
  const props = parse(
    kafkaServerProperties({
      broker: { host: '127.0.0.1', port: 9092 },
      controllerPort: 9093,
      logDir: '/x/.phzzk/kafka/data',
    }),
  );

  it('is a single-node KRaft combined server with a static quorum', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('1');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:9093');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:9092');
    expect(props.get('controller.listener.names')).toBe('CONTROLLER');
    expect(props.get('listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT');
    expect(props.get('log.dirs')).toBe('/x/.phzzk/kafka/data');
  });

  it('uses replication factor 1 everywhere and test-friendly group and topic settings', () => {
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'share.coordinator.state.topic.replication.factor',
      'min.insync.replicas',
      'default.replication.factor',
    ]) {
      expect(props.get(key), key).toBe('1');
    }
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(props.get('auto.create.topics.enable')).toBe('false');
    expect(props.get('num.partitions')).toBe('3');
  });

  it('brackets IPv6 listener hosts', () => {
    const v6 = parse(
      kafkaServerProperties({ broker: { host: '::1', port: 19092 }, controllerPort: 19093, logDir: '/d' }),
    );
    expect(v6.get('listeners')).toBe('PLAINTEXT://[::1]:19092,CONTROLLER://[::1]:19093');
  });
});

describe('kafkaLog4j2Properties', () => {
  it('logs to the given file, rolling, and quiets the config dumps', () => {
    const text = kafkaLog4j2Properties('/x/.phzzk/logs/kafka.log');
    expect(text).toContain('appender.file.type = RollingFile');
    expect(text).toContain('appender.file.fileName = /x/.phzzk/logs/kafka.log');
    expect(text).toContain('rootLogger.appenderRef.file.ref = file');
    expect(text).toContain('logger.config.level = WARN');
    expect(text).not.toMatch(/Console/);
  });
});

describe('newClusterId', () => {
  it('is 16 random bytes in base64url, as Kafka Uuid.fromString wants', () => {
    const id = newClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(newClusterId()).not.toBe(id);
  });

  it('never starts with "-" (the storage tool would read it as an option), drawing again instead', () => {
    // 0xf8 encodes to "-" in base64url's first character.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = newClusterId(() => draws.shift() as Buffer);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(draws).toHaveLength(0);
  });
});

describe('kafkaJvmOptions', () => {
  it('has a modest default heap that KAFKA_HEAP_OPTS overrides', () => {
    expect(kafkaJvmOptions({})).toContain('-Xmx512m');
    const custom = kafkaJvmOptions({ KAFKA_HEAP_OPTS: '-Xms1g  -Xmx1g' });
    expect(custom.slice(0, 2)).toEqual(['-Xms1g', '-Xmx1g']);
    expect(custom).not.toContain('-Xmx512m');
  });
});
