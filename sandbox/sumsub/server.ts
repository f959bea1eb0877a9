import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { FaultSettings } from '../shared/faults';
import type { CorruptionRule } from '../shared/corruptions';
import { RequestLog } from '../shared/request-log';
import { createSumsubSimulatorApp } from './app';
import { ApplicantStore } from './applicant-store';
import type { SimulatedApplicants } from './applicant-store';
import { FaultInjector } from '../shared/fault-injector';
import { ReviewPlayer } from './review-player';
import { SumsubShareLedger } from './share-ledger';
import { TimerSet } from '../shared/timers';
import { localUrl, LOOPBACK } from '../shared/listen';
import { SUMSUB_WEBHOOK_RETRY_DELAYS_MS, WebhookSender } from './webhook-sender';
import { DIGEST_ALG_WHEN_UNNAMED } from './webhook-signature';
import type { WebhookDigestAlg } from './webhook-signature';

export interface SumsubSimulatorOptions {
  appToken: string;
  secretKey: string;
  /** Where webhooks go; null (the default) delivers none, so the engine must rely on polling. */
  webhookUrl?: string | null;
  /** Required with a `webhookUrl`: the secret of the webhook's `x-payload-digest`. */
  webhookSecret?: string;
  /** Default `HMAC_SHA256_HEX`, SumSub's dashboard default. */
  digestAlg?: WebhookDigestAlg;
  /**
   * Leaves `x-payload-digest-alg` out (default false). Its absence means `HMAC_SHA256_HEX`, so the digest is
   * then SHA-256 and another `digestAlg` is refused.
   */
  omitDigestAlgHeader?: boolean;
  /** Whether the 409 of a second create names the existing applicant (`with_id`, default and documented). */
  conflictDescription?: 'with_id' | 'without_id';
  /** Wait before each review step (submission, decision). Default 5 s: SumSub's minutes would stall a demo. */
  reviewDelayMs?: number;
  /** Redelivery waits after failed webhooks; default SumSub's schedule divided by `webhookTimeDivisor`. */
  webhookRetryDelaysMs?: readonly number[];
  webhookTimeDivisor?: number;
  /** How long a webhook receiver may take to answer; default 5 s. */
  webhookTimeoutMs?: number;
  faults?: Partial<FaultSettings>;
  log?: RequestLog;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The interface to listen on; loopback by default (the compose sandbox listens on every interface). */
  host?: string;
  /** How far a request timestamp may be off; SumSub allows a minute. */
  clockSkewToleranceMs?: number;
  /** The simulator's clock (signatures, share-token expiry, dates); tests may move it. */
  now?: () => number;
}

export interface RunningSumsubSimulator {
  url: string;
  /** For the Kriptomat simulator: redeems the share tokens minted here. */
  ledger: SumsubShareLedger;
  log: RequestLog;
  applicants: SimulatedApplicants;
  /** Replaces the fault settings, as `PUT /_sandbox/faults` does. */
  setFaults(settings: Partial<FaultSettings>): FaultSettings;
  /** Replaces the corruption rules, as `PUT /_sandbox/corruptions` does (`[]` clears them). */
  setCorruptions(rules: CorruptionRule[]): CorruptionRule[];
  /** Stops the server, every timer and every pending webhook delivery; later calls wait for the first. */
  close(): Promise<void>;
}

/** Starts the SumSub simulator on `host` (loopback by default). */
export async function startSumsubSimulator(options: SumsubSimulatorOptions): Promise<RunningSumsubSimulator> {
  const webhookUrl = options.webhookUrl ?? null;
  if (webhookUrl !== null && !options.webhookSecret) throw new Error('a webhookUrl needs a webhookSecret');
  const omitAlg = options.omitDigestAlgHeader ?? false;
  const alg = options.digestAlg ?? DIGEST_ALG_WHEN_UNNAMED;
  if (omitAlg && alg !== DIGEST_ALG_WHEN_UNNAMED) {
    throw new Error(`without x-payload-digest-alg the digest is ${DIGEST_ALG_WHEN_UNNAMED}, not ${alg}`);
  }
  const now = options.now ?? Date.now;
  const log = options.log ?? new RequestLog();
  const timers = new TimerSet();
  const faults = new FaultInjector(options.faults);
  const store = new ApplicantStore(now);
  const ledger = new SumsubShareLedger(store, now);
  const divisor = options.webhookTimeDivisor ?? 1;
  const webhooks = new WebhookSender({
    url: webhookUrl,
    secret: options.webhookSecret ?? '',
    alg,
    sendAlgHeader: !omitAlg,
    retryDelaysMs: options.webhookRetryDelaysMs ?? SUMSUB_WEBHOOK_RETRY_DELAYS_MS.map((ms) => ms / divisor),
    timeoutMs: options.webhookTimeoutMs ?? 5_000,
    timers,
    faults,
    log,
    now,
  });
  const player = new ReviewPlayer({ store, webhooks, timers, delayMs: options.reviewDelayMs ?? 5_000 });
  const app = createSumsubSimulatorApp({
    store,
    ledger,
    player,
    webhooks,
    conflictDescription: options.conflictDescription ?? 'with_id',
    faults,
    timers,
    log,
    signature: {
      appToken: options.appToken,
      secretKey: options.secretKey,
      toleranceMs: options.clockSkewToleranceMs ?? 60_000,
      now,
    },
  });
  const host = options.host ?? LOOPBACK;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(started),
    );
    // A taken port: fail the start instead of crashing on an unhandled 'error' event.
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const stop = async () => {
    timers.clear();
    webhooks.abortAll();
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };
  return {
    url: localUrl(host, port),
    ledger,
    log,
    applicants: store,
    setFaults: (settings) => faults.replace(settings),
    setCorruptions: (rules) => faults.replaceCorruptions(rules),
    close: () => (closing ??= stop()),
  };
}
