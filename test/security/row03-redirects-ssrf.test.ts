import type { LookupAddress } from 'node:dns';
import type { ConnectOptions, OutboundPolicy } from '../../vendors/http/outbound-policy';
import { configureOutboundPolicy, resetOutboundPolicy } from '../../vendors/http/outbound-policy';
import { StaticTokenProvider } from '../../vendors/kriptomat/auth';
import { KriptomatClient } from '../../vendors/kriptomat/client';
import { LoginTokenProvider } from '../../vendors/kriptomat/login';
import { PartnerWebhookNotifier } from '../../vendors/partner/webhook-notifier';
import type { WorkerConfig } from '../../config';
import { vendorClientsFrom } from '../../vendors/clients';
import { PARTNER, STATIC_TOKEN } from '../helpers/kriptomat-partner';
import { SUMSUB_APP_TOKEN, SUMSUB_SECRET, sumsubClient } from '../helpers/sumsub';
import type { HostilePeer } from './hostile-peers';
import { json, messageOf, settled, startPeer, withAllowedHosts } from './hostile-peers';
import { completedEvent } from '../helpers/partner-event';

/**
 * Issue 15, row 3: a vendor (or whoever answers for its host) replies 3xx to another host, or a configured URL
 * points at this machine or the internal network. No redirect is followed: the call fails with an error that
 * names the location's host and nothing more of it, and not one byte (no token, signature, password, TOTP
 * code, share token or event) reaches the other host. Plain `http` and loopback addresses are refused unless
 * the host is allowed (`KYC_ALLOW_INSECURE_HOSTS`), before any connection is opened.
 */

const PARTNER_SECRET = 'partner-webhook-secret-DO-NOT-LEAK-a71c';
const event = completedEvent();

/** Every credential the clients below hold: none may reach the redirect target or an error message. */
const CREDENTIALS = [
  STATIC_TOKEN,
  PARTNER.clientSecret,
  PARTNER.password,
  PARTNER.email,
  SUMSUB_APP_TOKEN,
  SUMSUB_SECRET,
  PARTNER_SECRET,
];

/** "Another host": a second loopback address, where whatever follows a redirect would arrive. */
let elsewhere: HostilePeer;
/** The vendor, answering every request with a redirect to `elsewhere`, with a secret-looking path and query. */
let redirecting: HostilePeer;
let redirectStatus = 307;

beforeAll(async () => {
  elsewhere = await startPeer(
    // What a hostile host would answer: a body that passes for the vendor's, so a followed redirect succeeds.
    (_req, res) =>
      json(res, 200, {
        data: { id: 'u1', kyc_status: 'passed', edd_status: 'not_reported' },
        access_token: 'x',
        id: 'a1',
        externalUserId: 'u1',
      }),
    '127.0.0.2',
  );
  redirecting = await startPeer((_req, res) => {
    res.writeHead(redirectStatus, { location: `${elsewhere.url}/collect/secret-path?k=leaked-query` }).end();
  });
});
beforeEach(() => {
  elsewhere.arrivals.length = 0;
  redirectStatus = 307;
});
afterAll(async () => {
  await elsewhere.close();
  await redirecting.close();
});

/** The call failed, its error names the location's host only, and nothing reached that host. */
async function expectRedirectRefused(call: Promise<unknown>): Promise<void> {
  const outcome = await settled(call);
  expect(elsewhere.arrivals).toHaveLength(0);
  expect(elsewhere.connections()).toBe(0);
  expect(outcome.ok).toBe(false);
  const message = messageOf(outcome.value);
  expect(message).toContain('127.0.0.2');
  expect(message).not.toMatch(/collect|secret-path|leaked-query/);
  for (const credential of CREDENTIALS) expect(message).not.toContain(credential);
}

describe('redirects are not followed', () => {
  it.each([301, 302, 303, 307, 308])('Kriptomat login (password, TOTP code, client secret) on %i', (status) =>
    withAllowedHosts('127.0.0.1', async () => {
      redirectStatus = status;
      const auth = new LoginTokenProvider({ baseUrl: redirecting.url, credentials: PARTNER });
      await expectRedirectRefused(
        new KriptomatClient({ baseUrl: redirecting.url, auth }).readKycStatus('u1'),
      );
    }),
  );

  it('Kriptomat read with a bearer token: the other host answers nothing the client takes', () =>
    withAllowedHosts('127.0.0.1', async () => {
      redirectStatus = 302;
      const auth = new StaticTokenProvider(STATIC_TOKEN);
      await expectRedirectRefused(
        new KriptomatClient({ baseUrl: redirecting.url, auth }).readKycStatus('u1'),
      );
    }));

  it('Kriptomat import with a share token in its body', () =>
    withAllowedHosts('127.0.0.1', async () => {
      const auth = new StaticTokenProvider(STATIC_TOKEN);
      const client = new KriptomatClient({ baseUrl: redirecting.url, auth });
      await expectRedirectRefused(client.importKyc('u1', 'share-token-DO-NOT-LEAK-b2'));
    }));

  it.each([302, 307])('SumSub signed GET and POST on %i: no app token or signature elsewhere', (status) =>
    withAllowedHosts('127.0.0.1', async () => {
      redirectStatus = status;
      const client = sumsubClient(redirecting.url);
      await expectRedirectRefused(client.getApplicant('a1'));
      await expectRedirectRefused(client.createApplicant('basic-kyc-level', { externalUserId: 'u1' }));
      await expectRedirectRefused(client.createShareToken('a1', 'kriptomat', 600));
    }),
  );

  it('the partner webhook: the event is not delivered, and not re-sent elsewhere', () =>
    withAllowedHosts('127.0.0.1', async () => {
      const notifier = new PartnerWebhookNotifier({
        url: `${redirecting.url}/hook`,
        secrets: [PARTNER_SECRET],
      });
      await expectRedirectRefused(notifier.send(event));
    }));
});

/** Connections and requests so far (a kept-alive socket could carry a request without a new connection). */
const traffic = (peer: HostilePeer) => ({ connections: peer.connections(), requests: peer.arrivals.length });

describe('plain http and loopback addresses are refused unless the host is allowed', () => {
  let target: HostilePeer;
  beforeAll(async () => {
    target = await startPeer((_req, res) => json(res, 200, {}));
  });
  afterAll(() => target.close());

  it('a partner URL on http://127.0.0.1 opens no connection when 127.0.0.1 is not allowed', () =>
    withAllowedHosts(undefined, async () => {
      const before = traffic(target);
      const notifier = new PartnerWebhookNotifier({ url: `${target.url}/hook`, secrets: [PARTNER_SECRET] });
      const outcome = await settled(notifier.send(event));
      expect(traffic(target)).toEqual(before);
      expect(outcome.ok).toBe(false);
      expect(messageOf(outcome.value)).toMatch(/127\.0\.0\.1/);
      expect(messageOf(outcome.value)).not.toContain(PARTNER_SECRET);
    }));

  it('an https partner URL resolving to loopback opens no connection when its host is not allowed', () =>
    withAllowedHosts('127.0.0.1', async () => {
      const before = traffic(target);
      // `localhost` is not on the list, though the address it resolves to is this very server's.
      const url = `https://localhost:${target.port}/hook`;
      const outcome = await settled(
        new PartnerWebhookNotifier({ url, secrets: [PARTNER_SECRET] }).send(event),
      );
      expect(traffic(target)).toEqual(before);
      expect(outcome.ok).toBe(false);
      expect(messageOf(outcome.value)).toMatch(/localhost/);
    }));

  it('vendor base URLs on plain http are refused the same way, before any byte is sent', () =>
    withAllowedHosts(undefined, async () => {
      const before = traffic(target);
      const kriptomat = new KriptomatClient({
        baseUrl: target.url,
        auth: new StaticTokenProvider(STATIC_TOKEN),
      });
      expect((await settled(kriptomat.readKycStatus('u1'))).ok).toBe(false);
      expect((await settled(sumsubClient(target.url).getApplicant('a1'))).ok).toBe(false);
      expect(traffic(target)).toEqual(before);
    }));

  it('an allowed host is reached as configured', () =>
    withAllowedHosts('127.0.0.1,localhost', async () => {
      const notifier = new PartnerWebhookNotifier({ url: `${target.url}/hook`, secrets: [PARTNER_SECRET] });
      await notifier.send(event);
      expect(target.arrivals.at(-1)?.url).toBe('/hook');
    }));
});

/**
 * Private, link-local and other non-public addresses, without sending a packet anywhere: DNS is an injected
 * resolver, and the connect hook records what would be dialled and dials nothing.
 */
describe('a URL resolving to a non-public address is refused before any connection', () => {
  let resolved: string[];
  let dialled: LookupAddress[][];
  /** Answers every name with `addresses`; the hook reads the pinned lookup the socket would use, then fails. */
  function network(addresses: string[]): Partial<OutboundPolicy> {
    return {
      resolve: (hostname) => {
        resolved.push(hostname);
        return Promise.resolve(
          addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        );
      },
      connect: (options: ConnectOptions) => {
        options.lookup?.(options.host ?? '', { all: true }, (_error, found) => {
          dialled.push(found as LookupAddress[]);
        });
        throw new Error('test connect hook: never dials');
      },
    };
  }
  beforeEach(() => {
    resolved = [];
    dialled = [];
  });
  afterEach(resetOutboundPolicy);

  const URL = 'https://hooks.partner.test/kyc-events?key=query-DO-NOT-LEAK';

  it.each([
    ['RFC 1918', '10.1.2.3'],
    ['RFC 1918', '172.16.5.4'],
    ['RFC 1918', '192.168.1.20'],
    ['CGNAT', '100.64.0.1'],
    ['cloud metadata', '169.254.169.254'],
    ['loopback', '127.0.0.1'],
    ['this network', '0.0.0.1'],
    ['IPv6 loopback', '::1'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 unique local', 'fd12:3456::1'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
    ['NAT64 of the metadata address', '64:ff9b::a9fe:a9fe'],
  ])('the partner URL resolving to %s (%s)', (_kind, address) =>
    withAllowedHosts(undefined, async () => {
      const notifier = new PartnerWebhookNotifier({
        url: URL,
        secrets: [PARTNER_SECRET],
        network: network([address]),
      });
      const outcome = await settled(notifier.send(event));
      expect(outcome.ok).toBe(false);
      expect(resolved).toEqual(['hooks.partner.test']);
      expect(dialled).toEqual([]);
      const message = messageOf(outcome.value);
      expect(message).toMatch(/hooks\.partner\.test/);
      expect(message).not.toMatch(/query-DO-NOT-LEAK|kyc-events/);
      expect(message).not.toContain(PARTNER_SECRET);
    }),
  );

  it('one private address among public ones refuses the name', () =>
    withAllowedHosts(undefined, async () => {
      const mixed = network(['93.184.216.34', '10.0.0.7']);
      const outcome = await settled(
        new PartnerWebhookNotifier({ url: URL, secrets: ['s'], network: mixed }).send(event),
      );
      expect(outcome.ok).toBe(false);
      expect(dialled).toEqual([]);
    }));

  it('an IP literal in the URL is judged without a lookup', () =>
    withAllowedHosts(undefined, async () => {
      const url = 'https://[::ffff:169.254.169.254]/latest/meta-data';
      const notifier = new PartnerWebhookNotifier({
        url,
        secrets: ['s'],
        network: network(['93.184.216.34']),
      });
      expect((await settled(notifier.send(event))).ok).toBe(false);
      expect(resolved).toEqual([]);
      expect(dialled).toEqual([]);
    }));

  it('a public address is dialled as checked: one lookup, and the socket gets exactly that answer', () =>
    withAllowedHosts(undefined, async () => {
      const notifier = new PartnerWebhookNotifier({
        url: URL,
        secrets: ['s'],
        network: network(['93.184.216.34']),
      });
      expect((await settled(notifier.send(event))).ok).toBe(false);
      expect(resolved).toEqual(['hooks.partner.test']);
      expect(dialled).toEqual([[{ address: '93.184.216.34', family: 4 }]]);
    }));

  it('an allowed host may resolve to a private address', () =>
    withAllowedHosts('hooks.partner.test', async () => {
      const notifier = new PartnerWebhookNotifier({
        url: URL,
        secrets: ['s'],
        network: network(['10.0.0.7']),
      });
      await settled(notifier.send(event));
      expect(dialled).toEqual([[{ address: '10.0.0.7', family: 4 }]]);
    }));

  it('Kriptomat and SumSub base URLs resolving to the metadata address, under the process policy', () =>
    withAllowedHosts(undefined, async () => {
      configureOutboundPolicy(network(['169.254.169.254']));
      const auth = new StaticTokenProvider(STATIC_TOKEN);
      const kriptomat = new KriptomatClient({ baseUrl: 'https://api.kriptomat.test', auth });
      const read = await settled(kriptomat.readKycStatus('u1'));
      expect(read.ok).toBe(false);
      expect(read.value).toMatchObject({ type: 'ConfigurationError', retryable: false });
      const sumsub = await settled(sumsubClient('https://api.sumsub.test').getApplicant('a1'));
      expect(sumsub.ok).toBe(false);
      expect(resolved).toEqual(['api.kriptomat.test', 'api.sumsub.test']);
      expect(dialled).toEqual([]);
    }));
});

describe('the worker refuses to start on a URL no call could reach', () => {
  afterEach(resetOutboundPolicy);

  it('names each variable and host, and nothing else of the URL', () => {
    const config = {
      KRIPTOMAT_BASE_URL: 'http://kriptomat.internal:8080',
      KRIPTOMAT_TOKEN: STATIC_TOKEN,
      SUMSUB_BASE_URL: 'https://10.0.0.9',
      PARTNER_WEBHOOK_URL: 'https://127.0.0.1/hook?key=query-DO-NOT-LEAK',
      PARTNER_WEBHOOK_SECRET: PARTNER_SECRET,
      KYC_ALLOW_INSECURE_HOSTS: [],
    } as unknown as WorkerConfig;
    let message = '';
    try {
      vendorClientsFrom(config);
    } catch (error) {
      message = messageOf(error);
    }
    expect(message).toMatch(/KRIPTOMAT_BASE_URL: http to kriptomat\.internal is refused/);
    expect(message).toMatch(/SUMSUB_BASE_URL: 10\.0\.0\.9 is a private address/);
    expect(message).toMatch(/PARTNER_WEBHOOK_URL: 127\.0\.0\.1 is a loopback address/);
    expect(message).not.toMatch(/query-DO-NOT-LEAK|hook|8080/);
    expect(message).not.toContain(STATIC_TOKEN);
  });

  it('starts when the hosts are allowed, as the sandbox runs', () => {
    const config = {
      KRIPTOMAT_BASE_URL: 'http://127.0.0.1:8080',
      KRIPTOMAT_TOKEN: STATIC_TOKEN,
      SUMSUB_BASE_URL: 'http://localhost:8081',
      SUMSUB_APP_TOKEN: SUMSUB_APP_TOKEN,
      SUMSUB_SECRET_KEY: SUMSUB_SECRET,
      SUMSUB_GETS_PER_5S: 10,
      SUMSUB_POSTS_PER_5S: 10,
      KYC_ALLOW_INSECURE_HOSTS: ['127.0.0.1', 'localhost'],
    } as unknown as WorkerConfig;
    expect(() => vendorClientsFrom(config)).not.toThrow();
  });
});
