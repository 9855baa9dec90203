/**
 * IP addresses and CIDR blocks as byte arrays, so IPv4 and IPv6 share one prefix comparison.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A parsed address: 4 bytes for IPv4, 16 for IPv6. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
}

/** A network: the address with its host bits clear, and the prefix length. */
export interface Cidr {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
  readonly text: string;
}

function ipv4Bytes(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

function ipv6Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let body = text;
  let tail: Uint8Array | undefined;
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    tail = ipv4Bytes(body.slice(lastColon + 1));
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = [...headGroups, ...new Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  groups.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  if (tail) bytes.set(tail, 12);
  return bytes;
}

/**
 * Parses a literal IPv4 or IPv6 address. Zone identifiers are refused: nginx's $remote_addr never
 * carries one, and a policy cannot name an interface.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (text.length > 64) return undefined;
  if (isIPv4(text)) return { version: 4, bytes: ipv4Bytes(text) };
  if (isIPv6(text) && !text.includes('%')) return { version: 6, bytes: ipv6Bytes(text) };
  return undefined;
}

/** The embedded IPv4 address of an IPv4-mapped IPv6 address (::ffff:a.b.c.d), if it is one. */
export function unmapIpv4(address: IpAddress): IpAddress | undefined {
  if (address.version !== 6) return undefined;
  const b = address.bytes;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return undefined;
  if (b[10] !== 0xff || b[11] !== 0xff) return undefined;
  return { version: 4, bytes: b.slice(12) };
}

function hostBitsClear(bytes: Uint8Array, prefix: number): boolean {
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if (((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

/**
 * Parses "address/prefix". The prefix is required, and host bits must be clear: "10.0.0.1/8" is
 * more often a typo than a wish for 10.0.0.0/8, so it is refused rather than silently widened.
 * @returns the network, or a message saying why the text is not one
 */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  if (slash === -1 || !/^(0|[1-9][0-9]{0,2})$/.test(text.slice(slash + 1))) return 'is not a CIDR';
  const address = parseIp(text.slice(0, slash));
  const prefix = Number(text.slice(slash + 1));
  if (!address || prefix > address.bytes.length * 8) return 'is not a CIDR';
  if (!hostBitsClear(address.bytes, prefix)) return 'has host bits set beyond its prefix';
  return { version: address.version, bytes: address.bytes, prefix, text };
}

function prefixMatches(network: Cidr, bytes: Uint8Array): boolean {
  for (let bit = 0; bit < network.prefix; bit++) {
    const mask = 1 << (7 - (bit & 7));
    if (((network.bytes[bit >> 3] ?? 0) & mask) !== ((bytes[bit >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * Whether an address lies in a network. An IPv4-mapped IPv6 address also matches IPv4 networks,
 * as nginx's own allow/deny does; a plain IPv4 address never matches an IPv6 network.
 */
export function cidrContains(network: Cidr, address: IpAddress): boolean {
  if (network.version === address.version) return prefixMatches(network, address.bytes);
  const unmapped = network.version === 4 ? unmapIpv4(address) : undefined;
  return unmapped !== undefined && prefixMatches(network, unmapped.bytes);
}
