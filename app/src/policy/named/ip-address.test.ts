import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrContains, parseCidr, parseIp } from './ip-address.ts';

// (network, address) → contained
const cases: Array<[string, string, boolean]> = [
  ['0.0.0.0/0', '203.0.113.9', true],
  ['0.0.0.0/0', '2001:db8::1', false],
  ['0.0.0.0/0', '::ffff:203.0.113.9', true],
  ['10.0.0.0/8', '10.255.255.255', true],
  ['10.0.0.0/8', '11.0.0.0', false],
  ['10.1.2.3/32', '10.1.2.3', true],
  ['10.1.2.3/32', '10.1.2.4', false],
  ['192.168.1.128/25', '192.168.1.127', false],
  ['192.168.1.128/25', '192.168.1.128', true],
  ['10.0.0.0/8', '::ffff:10.9.9.9', true],
  ['10.0.0.0/8', '::ffff:11.9.9.9', false],
  ['10.0.0.0/8', '::10.9.9.9', false],
  ['::/0', '2001:db8::1', true],
  ['::/0', '::ffff:10.0.0.1', true],
  ['::/0', '10.0.0.1', false],
  ['::ffff:0:0/96', '::ffff:10.0.0.1', true],
  ['::ffff:0:0/96', '10.0.0.1', false],
  ['2001:db8::/32', '2001:db8:ffff::1', true],
  ['2001:db8::/32', '2001:db9::1', false],
  ['2001:db8::1/128', '2001:db8::1', true],
  ['2001:db8::1/128', '2001:db8:0:0:0:0:0:1', true],
  ['2001:db8::1/128', '2001:db8::2', false],
  ['fe80::/10', 'febf::1', true],
  ['fe80::/10', 'fec0::1', false],
];

for (const [network, address, contained] of cases) {
  test(`${network} ∋ ${address} is ${contained}`, () => {
    const cidr = parseCidr(network);
    const ip = parseIp(address);
    assert.ok(typeof cidr !== 'string');
    assert.ok(ip);
    assert.equal(cidrContains(cidr, ip), contained);
  });
}

const invalid = ['10.0.0.0/33', '10.0.0.0', '10.0.0.1/8', '::/129', '2001:db8::1/64', '10.0.0.0/08', '10.0.0.0/-1', 'x/8', '10.0.0.0/', 'fe80::%1/64', '1.2.3.4/32/1'];
for (const text of invalid) {
  test(`${text} is not accepted as a CIDR`, () => {
    assert.equal(typeof parseCidr(text), 'string');
  });
}
