/**
 * Tells every replica which sessions changed, over Redis pub/sub, so each can keep decoded sessions
 * in memory and still see an update, a sign-out or a back-channel logout made on another replica at
 * once. Trusting local copies is allowed only while the subscription is known to be live: whenever
 * the subscriber connection drops, local copies are forgotten (messages may have been missed).
 */
import type { RedisClient } from './redis-client.ts';

/** The invalidation channel of one store. */
export interface InvalidationChannel {
  /** True while invalidations are known to arrive. */
  live(): boolean;
  /** Announces that `id` changed or ended. */
  publish(id: string): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Subscribes to `channel` on a second connection.
 * @param onInvalidate - called with each changed id
 * @param onReset - called whenever messages may have been missed: forget every local copy
 */
export function createInvalidationChannel(
  client: RedisClient,
  channel: string,
  onInvalidate: (id: string) => void,
  onReset: () => void,
): InvalidationChannel {
  // A subscribed connection can do nothing else, so invalidations get a connection of their own.
  const subscriber = (client as { duplicate(): RedisClient }).duplicate();
  let live = false;
  let closed = false;
  const lose = (): void => {
    live = false;
    onReset();
  };
  // ioredis resubscribes after a reconnect; subscribing again on 'ready' makes the moment known.
  subscriber.on('ready', () => {
    subscriber.subscribe(channel).then(
      () => {
        onReset();
        live = !closed;
      },
      lose,
    );
  });
  subscriber.on('error', lose);
  subscriber.on('close', lose);
  subscriber.on('end', lose);
  subscriber.on('message', (from: string, id: string) => {
    if (from === channel) onInvalidate(id);
  });
  return {
    live: () => live && client.status === 'ready',
    publish: (id) => client.publish(channel, id),
    async close() {
      closed = true;
      lose();
      subscriber.disconnect();
    },
  };
}
