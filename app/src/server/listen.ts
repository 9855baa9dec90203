/**
 * Binding a listener, with a failure said in one line that names the variable to change: Node's
 * own "listen EADDRINUSE: address already in use" names neither the setting nor what to do.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../errors.ts';

function describe(err: NodeJS.ErrnoException, variable: string, address: string, host: string): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `${variable}: ${address} is already in use by another program; stop it or set ${variable} to a free port`;
    case 'EACCES':
      return `${variable}: not permitted to listen on ${address} (ports below 1024 need privileges); set ${variable} to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `GATEHOUSE_LISTEN_HOST: ${host} is not an address of this machine; use 0.0.0.0, :: or one of its addresses`;
    default:
      return `${variable}: cannot listen on ${address} (${err.code ?? err.message})`;
  }
}

/**
 * Listens on `host`:`port`.
 * @param variable - the variable that sets `port`, named in the error
 * @returns the port bound (the kernel's choice when `port` is 0)
 * @throws AppError LISTEN_FAILED naming `variable` and the address
 */
export async function listen(server: Server, port: number, host: string, variable: string): Promise<number> {
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (err) {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    throw new AppError('LISTEN_FAILED', describe(err as NodeJS.ErrnoException, variable, address, host), { cause: err });
  }
  return (server.address() as AddressInfo).port;
}
