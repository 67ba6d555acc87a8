import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { SmtpSettings } from './email-sender';

/**
 * Whether a shop's own SMTP server may be on the platform's side of the
 * network: `allow` on a LAN install (a relay at 192.168.x.x, or tests on
 * 127.0.0.1), `deny` on a shared platform, where a manager could otherwise
 * make the API and the workers connect to internal services.
 */
export type PrivateSmtpHosts = 'allow' | 'deny';

/** Raised when a shop's SMTP server is refused under `deny`. */
export class SmtpHostRefused extends Error {
  override readonly name = 'SmtpHostRefused';

  constructor(
    /** `SMTP_HOST_FORBIDDEN` or `SMTP_PASSWORD_IN_CLEAR`. */
    readonly code: 'SMTP_HOST_FORBIDDEN' | 'SMTP_PASSWORD_IN_CLEAR',
    message: string,
  ) {
    super(message);
  }
}

// Loopback, RFC 1918 and unique local, link-local (cloud metadata at
// 169.254.169.254), unspecified, multicast, and the special ranges no
// mail server of a shop lives in (carrier NAT, benchmarking, reserved).
// IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) match the IPv4 ranges.
const INTERNAL_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  // ::/96 holds :: (unspecified), ::1 (loopback) and the old IPv4-compatible form.
  ['::', 96, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const INTERNAL = INTERNAL_RANGES.reduce((list, [network, prefix, family]) => {
  list.addSubnet(network, prefix, family);
  return list;
}, new BlockList());

/** True for an IP address of a range that only the platform's side uses. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new TypeError('not an IP address');
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const FORBIDDEN_MESSAGE =
  'not a public server: loopback, private, link-local and multicast addresses are refused on this platform';

/**
 * Every address `host` stands for: itself when it is an IP literal, else
 * each answer of the system resolver (`/etc/hosts` included).
 */
async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

/**
 * Under `deny`, resolves a shop's SMTP host and refuses it when any of
 * its addresses is internal. Returns the settings to connect with: the
 * address that was checked in place of the name, so that a second DNS
 * answer cannot send the connection elsewhere (DNS rebinding), and the
 * name kept as the TLS server name, so certificates are still checked
 * against it. Under `allow`, the settings as given.
 */
export async function guardedSmtpSettings<Settings extends SmtpSettings>(
  settings: Settings,
  policy: PrivateSmtpHosts,
): Promise<Settings> {
  if (policy === 'allow') return settings;
  refusePasswordInClear(settings);

  const addresses = await addressesOf(settings.host);
  if (addresses.some(isInternalAddress)) {
    throw new SmtpHostRefused('SMTP_HOST_FORBIDDEN', FORBIDDEN_MESSAGE);
  }
  return {
    ...settings,
    host: addresses[0]!,
    servername: isIP(settings.host) ? settings.servername : settings.host,
  };
}

/**
 * Under `deny` a shop's server is on the Internet, where a password sent
 * without TLS can be read on the way. Under `allow` a LAN relay may take
 * one in clear: the operator chose to trust that network.
 */
function refusePasswordInClear(settings: SmtpSettings): void {
  if (settings.tlsMode === 'none' && settings.password) {
    throw new SmtpHostRefused(
      'SMTP_PASSWORD_IN_CLEAR',
      'a password is never sent without TLS to a server on the Internet: choose tlsMode tls or starttls, or give no password',
    );
  }
}
