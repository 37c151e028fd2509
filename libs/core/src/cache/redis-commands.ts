/**
 * The Redis commands Django's two Redis cache backends use for the session engines, over one
 * server (or one Sentinel master, or one Cluster). The Nest layer implements it on a real client,
 * with every call bounded in time: an unreachable or slow server throws CacheUnavailable; a reply
 * that is no string value (WRONGTYPE) throws SerializationError.
 */
export interface RedisCommands {
  /** GET: the stored bytes, or null. */
  get(key: string): Promise<Buffer | null>;
  /** SET key value [EX seconds | PX milliseconds] [NX]: whether it stored (NX can refuse). Times are integers, as text for any size. */
  set(key: string, value: Buffer, options?: RedisSetOptions): Promise<boolean>;
  /** DEL: how many keys went. */
  del(key: string): Promise<number>;
  /** EXISTS: how many of the keys exist. */
  exists(key: string): Promise<number>;
  /** Closes the connection(s); the commands are unusable afterwards. */
  close(): Promise<void>;
}

export interface RedisSetOptions {
  /** EX: seconds. */
  ex?: bigint;
  /** PX: milliseconds. */
  px?: bigint;
  /** NX: only if the key does not exist. */
  nx?: boolean;
}
