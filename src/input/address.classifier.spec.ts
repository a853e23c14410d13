import { LookupAddress } from 'node:dns';
import { classifyAddress, hostAllowed } from './address.classifier';
import { AddressRefusedError, createGuardedLookup } from './guarded-lookup';

describe('classifyAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '[::1]',
    'fe80::1%eth0',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(classifyAddress(address).allowed).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '104.16.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows public %s', (address) => {
    expect(classifyAddress(address)).toEqual({ allowed: true });
  });

  it('says why', () => {
    expect(classifyAddress('169.254.169.254')).toEqual({
      allowed: false,
      reason: '169.254.169.254 is a linkLocal address',
    });
  });
});

describe('hostAllowed', () => {
  it('allows any host without patterns', () => {
    expect(hostAllowed('example.com', [])).toBe(true);
  });

  it('matches exact names and *. subdomains, case-insensitively', () => {
    const patterns = ['cdn.example.com', '*.qiniu.com'];
    expect(hostAllowed('CDN.example.com', patterns)).toBe(true);
    expect(hostAllowed('a.b.qiniu.com', patterns)).toBe(true);
    expect(hostAllowed('qiniu.com', patterns)).toBe(false);
    expect(hostAllowed('evilqiniu.com', patterns)).toBe(false);
    expect(hostAllowed('example.com', patterns)).toBe(false);
  });
});

describe('createGuardedLookup', () => {
  const fakeResolver = (addresses: LookupAddress[]) =>
    ((_host: string, _options: unknown, callback: (e: Error | null, a: LookupAddress[]) => void) =>
      callback(null, addresses)) as never;

  const lookup = (addresses: LookupAddress[], all: boolean) =>
    new Promise<{ error: Error | null; result: unknown }>((resolve) =>
      createGuardedLookup(fakeResolver(addresses))('source.test', { all }, (error, result) =>
        resolve({ error, result }),
      ),
    );

  it('refuses a name that resolves to any forbidden address', async () => {
    const { error } = await lookup(
      [
        { address: '8.8.8.8', family: 4 },
        { address: '10.0.0.1', family: 4 },
      ],
      true,
    );
    expect(error).toBeInstanceOf(AddressRefusedError);
    expect(error?.message).toMatch(/source host source.test refused: 10.0.0.1 is a private address/);
  });

  it('passes public addresses through in the shape the caller asked for', async () => {
    const addresses = [{ address: '8.8.8.8', family: 4 }];
    expect(await lookup(addresses, true)).toEqual({ error: null, result: addresses });
    expect(await lookup(addresses, false)).toEqual({ error: null, result: '8.8.8.8' });
  });
});
