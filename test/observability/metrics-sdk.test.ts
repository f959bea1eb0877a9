import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics } from '../../observability/metrics';

/**
 * The SDK runtime's own metrics, which render() fetches from the runtime's listener: here a loopback server
 * stands in for it. The rest of the metrics are in metrics.unit.test.ts.
 */
const body = async (metrics: ReturnType<typeof createMetrics>) => (await metrics.render()).body;

describe("the Temporal SDK's metrics in render()", () => {
  it('appends what the SDK runtime serves', async () => {
    const server = http.createServer((_req, res) => res.end('temporal_worker_start{namespace="default"} 1'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const text = await body(createMetrics({ sdkMetricsUrl: `http://127.0.0.1:${port}/metrics` }));
      expect(text).toMatch(/^temporal_worker_start\{namespace="default"\} 1$/m);
      expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says in a comment line that it skipped them when the SDK listener is unreachable', async () => {
    const text = await body(createMetrics({ sdkMetricsUrl: 'http://127.0.0.1:9/metrics' }));
    expect(text).toMatch(/^# Temporal SDK metrics skipped: http:\/\/127\.0\.0\.1:9\/metrics unreachable/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });
});
