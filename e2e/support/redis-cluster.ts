import { redisCli, waitForRedis } from './redis-cli.ts';
import { startRedisServer, type RedisServerHandle, type RedisServerOptions } from './redis-server.ts';

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Masters, each owning a third (or so) of the slots; at least 3, as redis-cli requires. */
  readonly masters?: number;
  /** The password of every node's default user. */
  readonly password?: string;
}

/** A Redis Cluster of masters without replicas on 127.0.0.1. */
export interface RedisClusterHandle {
  readonly nodes: readonly RedisServerHandle[];
  /** Stops every node. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled servers, joins them with `redis-cli --cluster create` and
 * resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const masters = options.masters ?? 3;
  const serverOptions: RedisServerOptions = {
    ...(options.password !== undefined ? { password: options.password } : {}),
    extraArgs: clusterArgs(options.password),
  };
  const nodes: RedisServerHandle[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) nodes.push(await startRedisServer(serverOptions));
    const auth = { password: options.password };
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await redisCli(nodes[0]?.port ?? 0, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], auth, 30_000);
    for (const node of nodes) {
      await waitForRedis(node.port, {
        ...auth,
        command: ['CLUSTER', 'INFO'],
        expect: (reply) => reply.includes('cluster_state:ok'),
        tries: 400,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, stop };
}

function clusterArgs(password: string | undefined): string[] {
  return [
    '--cluster-enabled', 'yes',
    '--cluster-config-file', 'nodes.conf',
    '--cluster-node-timeout', '2000',
    // Nodes authenticate to each other with masterauth when the default user has a password.
    ...(password !== undefined ? ['--masterauth', password] : []),
  ];
}
