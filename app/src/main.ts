#!/usr/bin/env node
/**
 * Entry point: load and validate the configuration, start serving, and shut down gracefully on
 * SIGTERM/SIGINT. `--check-config` validates and exits 0 (valid) or 1 (every problem listed).
 */
import { loadConfig, ConfigError } from './config/load-config.ts';
import { startServer } from './server/start-server.ts';

const USAGE = `usage: gatehouse [--check-config] [--help]
  Configured by GATEHOUSE_* environment variables and the optional YAML file named by
  GATEHOUSE_CONFIG_FILE (see docs/configuration.md); SIGHUP reloads that file.
  --check-config  validate the configuration, print the result and exit`;

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = argv.filter((arg) => arg !== '--check-config');
  if (unknown.length > 0) {
    process.stderr.write(`gatehouse: unknown argument ${unknown[0]}\n${USAGE}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`gatehouse: ${err.message}\n`);
    return 1;
  }
  if (argv.includes('--check-config')) {
    for (const warning of config.configWarnings) process.stdout.write(`gatehouse: warning: ${warning}\n`);
    process.stdout.write('gatehouse: configuration is valid\n');
    return 0;
  }
  const server = await startServer(config);
  const stop = (signal: string): void => {
    server.logger.info({ signal }, 'signal received');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // SIGHUP re-reads the config file; a file with problems is refused and the config in force stays.
  process.on('SIGHUP', () => server.deps.identity.reload('SIGHUP'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gatehouse: failed to start: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
