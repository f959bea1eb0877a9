import { ConfigurationError } from '../../domain';
import { loadWorkerConfig } from '../../worker/config';

describe('loadWorkerConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadWorkerConfig({ KRIPTOMAT_BASE_URL: 'https://api.kriptomat.io', KRIPTOMAT_TOKEN: 't' });
    expect(config).toMatchObject({
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'kyc',
    });
  });

  it('names every missing or malformed variable, without echoing values', () => {
    let error: unknown;
    try {
      loadWorkerConfig({ KRIPTOMAT_BASE_URL: 'ftp://secret-host.example', TEMPORAL_TASK_QUEUE: '' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const { message } = error as ConfigurationError;
    expect(message).toMatch(/KRIPTOMAT_BASE_URL: /);
    expect(message).toMatch(/KRIPTOMAT_TOKEN: /);
    expect(message).toMatch(/TEMPORAL_TASK_QUEUE: /);
    expect(message).not.toContain('secret-host');
  });
});
