// The chat service's Redis keys (only chat reads them). Per channel: the seq counter, the log (a
// Redis Stream whose entry ids are `<seq>-0`), the Kafka relay's cursor and lease, and each
// sender's rate-limit window and slow-mode mark. Pub/sub: one channel per chat channel for the
// fan-out, one control channel for changes that are not channel events.
export class ChatKeys {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  seq = (channelId: string) => `${this.prefix}{${channelId}}:seq`;
  log = (channelId: string) => `${this.prefix}{${channelId}}:log`;
  relayCursor = (channelId: string) => `${this.prefix}{${channelId}}:relay-cursor`;
  relayLease = (channelId: string) => `${this.prefix}{${channelId}}:relay-lease`;
  rate = (channelId: string, userId: string) => `${this.prefix}{${channelId}}:rate:${userId}`;
  slow = (channelId: string, userId: string) => `${this.prefix}{${channelId}}:slow:${userId}`;
  /** Channels whose log holds events not yet on Kafka (sorted set, score: last append). */
  unrelayed = () => `${this.prefix}unrelayed`;
  feed = (channelId: string) => `${this.prefix}feed:${channelId}`;
  control = () => `${this.prefix}control`;
  /** Open connections of one address / one user, a field per node (hash). */
  connectionsOfIp = (ip: string) => `${this.prefix}connections:ip:${ip}`;
  connectionsOfUser = (userId: string) => `${this.prefix}connections:user:${userId}`;
  /** Exists while the node is alive (its heartbeat renews it); the prefix of those keys. */
  nodeAlivePrefix = () => `${this.prefix}node-alive:`;
}
