import { CASE_PHASES } from '../../domain';
import { phaseCountQuery } from '../../observability/case-counts';
import type { CaseCountClient } from '../../observability/metrics';
import { createMetrics } from '../../observability/metrics';

/** The project's metrics as Prometheus reads them: names, labels and values in the text exposition. */
const body = async (metrics: ReturnType<typeof createMetrics>) => (await metrics.render()).body;

/** The value of one series, or undefined when it is absent. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A visibility that answers each phase with `counts[phase]`, or fails when told to. */
function fakeVisibility(counts: Record<string, number>) {
  const queries: string[] = [];
  let failing = false;
  const client: CaseCountClient = {
    workflow: {
      count: (query) => {
        queries.push(query);
        if (failing) return Promise.reject(new Error('visibility unavailable'));
        const phase = /KycPhase = '(\w+)'/.exec(query)?.[1] ?? '';
        return Promise.resolve({ count: counts[phase] ?? 0 });
      },
    },
  };
  return { client, queries, fail: () => (failing = true) };
}

describe('createMetrics', () => {
  it('counts outbound requests, API requests and webhooks with their labels, each registry on its own', async () => {
    const metrics = createMetrics();
    const other = createMetrics(); // a second one in the same process must neither clash nor share counts
    const endpoint = 'SumSub POST /resources/accessTokens';
    metrics.observeHttpCall({ vendor: 'sumsub', endpoint, status: 200, durationMs: 120 });
    metrics.observeHttpCall({ vendor: 'sumsub', endpoint, status: 0, durationMs: 15_000 });
    metrics.observeApiRequest({ route: '/v1/cases/:userId', method: 'GET', status: 404, durationMs: 3 });
    metrics.observeWebhook('sumsub', 'signalled');

    const text = await body(metrics);
    const call = `vendor="sumsub",endpoint="${endpoint}"`;
    expect(valueOf(text, `kyc_outbound_requests_total{${call},status="200"}`)).toBe(1);
    expect(valueOf(text, `kyc_outbound_requests_total{${call},status="0"}`)).toBe(1);
    expect(valueOf(text, `kyc_outbound_request_duration_seconds_count{${call}}`)).toBe(2);
    expect(valueOf(text, `kyc_outbound_request_duration_seconds_sum{${call}}`)).toBeCloseTo(15.12);
    const route = 'route="/v1/cases/:userId",method="GET"';
    expect(valueOf(text, `kyc_api_requests_total{${route},status="404"}`)).toBe(1);
    expect(valueOf(text, `kyc_api_request_duration_seconds_count{${route}}`)).toBe(1);
    expect(valueOf(text, 'kyc_webhooks_total{source="sumsub",result="signalled"}')).toBe(1);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).not.toContain('kyc_cases'); // no client, no case counts
    expect(await body(other)).not.toContain(endpoint);
  });

  it('serves the outbound metrics under their deprecated names too, with the same values', async () => {
    const metrics = createMetrics();
    const call = { vendor: 'partner', endpoint: 'partner webhook POST' } as const;
    metrics.observeHttpCall({ ...call, status: 500, durationMs: 250 });

    const text = await body(metrics);
    const labels = `vendor="partner",endpoint="partner webhook POST"`;
    for (const [current, deprecated] of [
      ['kyc_outbound_requests_total', 'kyc_partner_requests_total'],
      ['kyc_outbound_request_duration_seconds', 'kyc_partner_request_duration_seconds'],
    ]) {
      expect(text).toContain(`# HELP ${deprecated} Deprecated: use ${current}.`);
      expect(text).not.toMatch(new RegExp(`^# HELP ${current} Deprecated`, 'm'));
    }
    expect(valueOf(text, `kyc_partner_requests_total{${labels},status="500"}`)).toBe(1);
    expect(valueOf(text, `kyc_outbound_requests_total{${labels},status="500"}`)).toBe(1);
    expect(valueOf(text, `kyc_partner_request_duration_seconds_sum{${labels}}`)).toBeCloseTo(0.25);
    expect(valueOf(text, `kyc_outbound_request_duration_seconds_sum{${labels}}`)).toBeCloseTo(0.25);
  });

  it('reports cases by phase from visibility, counting at most once per TTL however often it is scraped', async () => {
    const visibility = fakeVisibility({ awaiting_user: 7, approved: 3 });
    const metrics = createMetrics({ client: visibility.client });

    const first = await body(metrics);
    await body(metrics);

    expect(valueOf(first, 'kyc_cases{phase="awaiting_user"}')).toBe(7);
    expect(valueOf(first, 'kyc_cases{phase="approved"}')).toBe(3);
    expect(valueOf(first, 'kyc_cases{phase="checking"}')).toBe(0);
    expect(visibility.queries).toHaveLength(CASE_PHASES.length);
  });

  it('keeps the last counts and counts the failure when visibility fails, without failing the scrape', async () => {
    const visibility = fakeVisibility({ needs_attention: 2 });
    const metrics = createMetrics({ client: visibility.client, caseCountTtlMs: 0 });
    await body(metrics);
    visibility.fail();

    const text = await body(metrics);

    expect(valueOf(text, 'kyc_cases{phase="needs_attention"}')).toBe(2);
    expect(valueOf(text, 'kyc_case_count_failures_total')).toBe(1);
  });

  it('counts open phases among running cases and outcomes among completed ones', () => {
    expect(phaseCountQuery('awaiting_user')).toMatch(
      /^WorkflowType = 'kycCase' AND .*KycPhase = 'awaiting_user' AND ExecutionStatus = 'Running'$/,
    );
    expect(phaseCountQuery('rejected')).toContain("KycPhase = 'rejected' AND ExecutionStatus = 'Completed'");
  });
});
