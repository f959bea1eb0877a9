import { isLoopbackAddress, isLoopbackHost } from '../../domain';

/**
 * Every spelling the three judges of loopback (the API's listen address, the codec's peer check and its Host
 * check) may meet: [written, as a peer address, as a host].
 */
const FORMS: [string, boolean, boolean][] = [
  ['127.0.0.1', true, true],
  ['127.1.2.3', true, true],
  ['127.255.255.255', true, true],
  ['::1', true, true],
  ['[::1]', false, true],
  ['0:0:0:0:0:0:0:1', true, true],
  ['::ffff:127.0.0.1', true, true],
  ['::FFFF:127.0.0.1', true, true],
  ['[::ffff:127.0.0.1]', false, true],
  ['::ffff:7f00:1', true, true],
  ['localhost', false, true],
  ['LOCALHOST.', false, true],
  ['[localhost]', false, true],
  ['127.0.0.1.', false, true],
  ['::ffff:10.0.0.1', false, false],
  ['::127.0.0.1', false, false],
  ['10.0.0.1', false, false],
  ['0.0.0.0', false, false],
  ['::', false, false],
  ['2001:db8::1', false, false],
  ['127.1', false, false],
  ['0x7f.0.0.1', false, false],
  ['0177.0.0.1', false, false],
  ['2130706433', false, false],
  ['127.256.0.1', false, false],
  ['localhost.evil.com', false, false],
  ['127.0.0.1.evil.com', false, false],
  ['sub.localhost', false, false],
  ['', false, false],
  ['[]', false, false],
  ['not an address', false, false],
];

describe('loopback', () => {
  it.each(FORMS)('%s: as a peer address %s, as a host %s', (written, asAddress, asHost) => {
    expect(isLoopbackAddress(written)).toBe(asAddress);
    expect(isLoopbackHost(written)).toBe(asHost);
  });

  it('counts an unknown peer address as off loopback', () => {
    expect(isLoopbackAddress(undefined)).toBe(false);
  });
});
