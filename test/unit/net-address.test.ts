/** Which addresses a server-side fetch may connect to: public unicast only, embedded IPv4 read. */
import assert from 'node:assert/strict';
import { isPublicAddress, nonPublicReason } from '../../src/net/address.js';

const refused: [string, RegExp][] = [
  ['127.0.0.1', /loopback/],
  ['127.255.255.254', /loopback/],
  ['10.1.2.3', /private/],
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.168.1.1', /private/],
  ['169.254.169.254', /link-local/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['0.0.0.0', /unspecified/],
  ['255.255.255.255', /broadcast/],
  ['224.0.0.1', /multicast/],
  ['192.0.2.1', /reserved/],
  ['240.0.0.1', /reserved/],
  ['::1', /loopback/],
  ['::', /unspecified/],
  ['fc00::1', /unique local/],
  ['fd12:3456::1', /unique local/],
  ['fe80::1', /link-local/],
  ['fe80::1%eth0', /link-local/],
  ['fec0::1', /site-local/],
  ['ff02::1', /multicast/],
  ['2001:db8::1', /reserved/],
  ['4000::1', /unassigned/],
  // IPv4-compatible (deprecated): refused whatever it embeds, in both notations.
  ['::7f00:1', /IPv4-compatible/],
  ['::127.0.0.1', /IPv4-compatible/],
  ['::8.8.8.8', /IPv4-compatible/],
  // IPv4-mapped and IPv4-translated: judged on the IPv4 address.
  ['::ffff:127.0.0.1', /IPv4-mapped address leading to 127\.0\.0\.1, a loopback/],
  ['::ffff:7f00:1', /IPv4-mapped address leading to 127\.0\.0\.1/],
  ['::ffff:169.254.169.254', /IPv4-mapped address leading to 169\.254\.169\.254, a link-local/],
  ['::ffff:a00:1', /leading to 10\.0\.0\.1, a private/],
  ['::ffff:0:7f00:1', /IPv4-translated address leading to 127\.0\.0\.1/],
  // 6to4 (2002::/16): the IPv4 address in bits 16–47.
  ['2002:7f00:1::', /6to4 address leading to 127\.0\.0\.1/],
  ['2002:a9fe:a9fe::1', /6to4 address leading to 169\.254\.169\.254/],
  ['2002:c0a8:101::1', /6to4 address leading to 192\.168\.1\.1/],
  // Teredo (2001::/32): the server in bits 32–63, the client inverted in the last 32.
  ['2001:0:7f00:1::', /Teredo address leading to 127\.0\.0\.1/],
  ['2001:0:808:808::f5ff:fffe', /Teredo address leading to 10\.0\.0\.1/],
  // NAT64: the well-known prefix is judged on the IPv4 address; local-use is never public.
  ['64:ff9b::7f00:1', /NAT64 address leading to 127\.0\.0\.1/],
  ['64:ff9b::127.0.0.1', /NAT64 address leading to 127\.0\.0\.1/],
  ['64:ff9b::a9fe:a9fe', /NAT64 address leading to 169\.254\.169\.254/],
  ['64:ff9b:1::808:808', /local-use NAT64/],
  ['not an ip', /not an IP address/],
  ['localhost', /not an IP address/],
  ['', /not an IP address/],
];

const accepted = [
  '93.184.216.34',
  '8.8.8.8',
  '2606:2800:220:1:248:1893:25c8:1946',
  '2a00:1450:4007:80b::200e',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::808:808',
  '2002:808:808::1',
  '2001:0:808:808::f7f7:f7f7',
];

describe('net: address classifier', () => {
  for (const [address, reason] of refused) {
    it(`refuses ${address || '(empty)'} (${reason.source.replace(/\\/g, '')})`, () => {
      assert.equal(isPublicAddress(address), false);
      assert.match(nonPublicReason(address) ?? 'public', reason);
    });
  }
  it('accepts public unicast addresses, also when embedded in mapped, NAT64, 6to4 or Teredo forms', () => {
    for (const address of accepted) assert.equal(nonPublicReason(address), null, address);
  });
});
