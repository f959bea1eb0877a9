import { loadCliConfig, loadWorkerConfig } from '../../config';
import { RENAMED_VARIABLES } from '../../config/renamed';
import { ConfigurationError } from '../../domain';
import { TEST_CODEC_ENV } from '../helpers/codec';

/**
 * Variables renamed to the glossary's words: for one release the old name still works, the new one wins, and
 * each old name warns once per process (this file is one module registry, so one "process").
 */
const SCHEDULE = { old: 'KYC_POLL_SCHEDULE', current: 'KYC_READ_SCHEDULE' } as const;
const INTERVAL = { old: 'KYC_REVIEW_POLL_INTERVAL', current: 'KYC_REVIEW_READ_INTERVAL' } as const;
const CLIENT_ID = { old: 'SUMSUB_PARTNER_CLIENT_ID', current: 'SUMSUB_KRIPTOMAT_CLIENT_ID' } as const;

const WORKER = {
  ...TEST_CODEC_ENV,
  KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io',
  KRIPTOMAT_TOKEN: 't',
  SUMSUB_APP_TOKEN: 'sbx:t',
  SUMSUB_SECRET_KEY: 's',
};

let warnings: string[];
beforeEach(() => {
  warnings = [];
  jest.spyOn(process, 'emitWarning').mockImplementation((warning) => {
    warnings.push(String(warning));
  });
});
afterEach(() => jest.restoreAllMocks());

describe('renamed variables', () => {
  it('are exactly the pairs this test covers', () => {
    expect(Object.entries(RENAMED_VARIABLES)).toEqual(
      [SCHEDULE, INTERVAL, CLIENT_ID].map(({ old, current }) => [old, current]),
    );
  });

  it('read the old name alone, warning once per process with the new name', () => {
    const config = loadCliConfig({ ...TEST_CODEC_ENV, [SCHEDULE.old]: '30s,1m' });
    expect(config[SCHEDULE.current]).toEqual([30_000, 60_000]);
    loadCliConfig({ ...TEST_CODEC_ENV, [SCHEDULE.old]: '1h' });

    expect(warnings).toEqual([
      `${SCHEDULE.old} is deprecated: use ${SCHEDULE.current} (which wins when both are set)`,
    ]);
  });

  it('take the new name when both are set, without warning again', () => {
    const config = loadCliConfig({ ...TEST_CODEC_ENV, [SCHEDULE.old]: '1h', [SCHEDULE.current]: '5s' });
    expect(config[SCHEDULE.current]).toEqual([5_000]);
    expect(warnings).toEqual([]);
  });

  it('never warn about a new name', () => {
    const config = loadCliConfig({ ...TEST_CODEC_ENV, [INTERVAL.current]: '2m' });
    loadCliConfig({ ...TEST_CODEC_ENV, [INTERVAL.current]: '2m' });
    expect(config[INTERVAL.current]).toBe(120_000);
    expect(warnings).toEqual([]);
  });

  it('name a malformed value by the name it was given under', () => {
    expect(() => loadCliConfig({ ...TEST_CODEC_ENV, [INTERVAL.old]: 'soon' })).toThrow(ConfigurationError);
    expect(() => loadCliConfig({ ...TEST_CODEC_ENV, [INTERVAL.old]: 'soon' })).toThrow(
      `${INTERVAL.old}: must be a duration`,
    );
    expect(warnings).toEqual([
      `${INTERVAL.old} is deprecated: use ${INTERVAL.current} (which wins when both are set)`,
    ]);
  });

  it('satisfy a required variable under the old name, and name the new one when neither is set', () => {
    expect(loadWorkerConfig({ ...WORKER, [CLIENT_ID.old]: 'kriptomat' })[CLIENT_ID.current]).toBe(
      'kriptomat',
    );
    expect(() => loadWorkerConfig(WORKER)).toThrow(`${CLIENT_ID.current}: `);
  });
});
