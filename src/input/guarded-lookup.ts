import * as dns from 'node:dns';
import { LookupFunction } from 'node:net';
import { classifyAddress } from './address.classifier';

/** Raised when a host name resolves to an address downloads may not reach. */
export class AddressRefusedError extends Error {
  readonly code = 'UFOP_ADDRESS_REFUSED';
}

/**
 * A `lookup` for sockets that refuses forbidden addresses after DNS resolution, so the check applies to
 * the address actually connected to (a public name pointing at 127.0.0.1 is refused, on every redirect hop).
 */
export function createGuardedLookup(resolve: typeof dns.lookup = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      for (const entry of list) {
        const verdict = classifyAddress(entry.address);
        if (!verdict.allowed) {
          return callback(new AddressRefusedError(`source host ${hostname} refused: ${verdict.reason}`), '', 0);
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
