import * as ipaddr from 'ipaddr.js';

/**
 * ipaddr.js range names that a download must not reach by default: this machine, private networks,
 * link-local (which holds the cloud metadata service, 169.254.169.254 and fd00:ec2::254), and the
 * special-purpose ranges no public source lives in.
 */
const REFUSED_RANGES = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'carrierGradeNat',
  'private',
  'reserved',
  'uniqueLocal',
  'ipv4Mapped',
  'rfc6145',
  'rfc6052',
  '6to4',
  'teredo',
  'benchmarking',
  'amt',
  'as112',
  'deprecated',
  'orchid2',
  'droneRemoteIdProtocolEntityTags',
  'as112v6',
]);

/** Known cloud metadata endpoints that are not link-local. */
const METADATA_ADDRESSES = new Set(['100.100.100.200', 'fd00:ec2::254']);

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Classifies one IP address literal. Anything that does not parse is refused. */
export function classifyAddress(address: string): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return { allowed: false, reason: `${address} is not an IP address` };
  let parsed = ipaddr.parse(bare);
  // ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it carries.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const normalized = parsed.toString();
  if (METADATA_ADDRESSES.has(normalized))
    return { allowed: false, reason: `${normalized} is a cloud metadata address` };
  const range = parsed.range();
  if (REFUSED_RANGES.has(range)) return { allowed: false, reason: `${normalized} is a ${range} address` };
  return { allowed: true };
}

/** True when `host` matches one of the patterns: `example.com` exactly, `*.example.com` any subdomain. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  const name = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((pattern) =>
    pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern,
  );
}
