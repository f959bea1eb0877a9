import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { withHeartbeat } from '../../activities/heartbeat';

/** The failure below is on purpose: the SDK's warning about it is noise here. */
const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Activities heartbeat while they run, so an attempt lost with a killed worker is retried after the heartbeat
 * timeout rather than its whole start-to-close timeout (the chaos run measures the difference).
 */
describe('withHeartbeat', () => {
  afterEach(() => jest.useRealTimers());

  it('heartbeats while the activity runs, and stops once it has returned', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 300 });
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    let finish: (value: string) => void = () => undefined;
    const slow = withHeartbeat(() => new Promise<string>((resolve) => (finish = resolve)));

    jest.useFakeTimers();
    const cleared = jest.spyOn(global, 'clearInterval');

    const running = env.run(slow);
    // Two heartbeat timeouts of virtual time: beats at least twice, whatever the interval within them.
    await jest.advanceTimersByTimeAsync(600);
    expect(beats).toBeGreaterThanOrEqual(2);
    finish('done');

    expect(await running).toBe('done');
    // Nothing keeps beating for a finished attempt: its timer is cleared.
    expect(cleared).toHaveBeenCalledTimes(1);
    cleared.mockRestore();
  });

  it('passes results and failures through', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 300 }, { logger: quiet });
    await expect(
      env.run(
        withHeartbeat((x: number) => Promise.resolve(x * 2)),
        21,
      ),
    ).resolves.toBe(42);
    await expect(env.run(withHeartbeat(() => Promise.reject(new Error('vendor down'))))).rejects.toThrow(
      'vendor down',
    );
  });

  it('runs outside an activity (a direct call) without heartbeating', async () => {
    await expect(withHeartbeat(() => Promise.resolve('plain'))()).resolves.toBe('plain');
  });
});
