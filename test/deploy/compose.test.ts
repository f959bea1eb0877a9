import { parseKeyring } from '../../codec';
import { apiConfigSchema, CONFIG_VARIABLES, workerConfigSchema } from '../../config';
import { KYC_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { loadSandboxSettings, SANDBOX_VARIABLES } from '../../sandbox/main';
import {
  containerEnv,
  environmentOf,
  envFilesOf,
  healthcheckPort,
  interpolate,
  interpolatedNames,
  loadCompose,
  publishedPorts,
  readEnvFile,
  readRepoFile,
} from './compose-files';
import type { ComposeFile } from './compose-files';

/**
 * docker-compose.yml and deploy/compose.sandbox.yml, read without a Docker engine: every variable they give
 * the engine's processes is one those processes read, and the pieces that must agree (ports, URLs, secrets,
 * search attributes, the image) do.
 */
const base = loadCompose('docker-compose.yml');
const sandbox = loadCompose('deploy/compose.sandbox.yml');
const PROJECT_SERVICES = ['worker', 'api', 'sandbox'];
const KNOWN = new Set<string>([...CONFIG_VARIABLES, ...SANDBOX_VARIABLES]);

/** The worker's database URL borrows the password compose requires for the postgresql service. */
const ENGINE_DB_PASSWORD = /^KYC_DATABASE_URL=TEMPORAL_DB_PASSWORD$/;

const projectServices = (file: ComposeFile) =>
  Object.entries(file.services).filter(([name]) => PROJECT_SERVICES.includes(name));

describe('the compose files', () => {
  it('parse, with the engine in the base file and the simulators only in the sandbox file', () => {
    expect(Object.keys(base.services).sort()).toEqual(
      [
        'api',
        'postgresql',
        'proxy',
        'temporal',
        'temporal-register',
        'temporal-set-current-version',
        'temporal-setup',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    expect(Object.keys(sandbox.services).sort()).toEqual(['api', 'sandbox', 'worker']);
  });

  it('give the worker, the API and the sandbox only variables that they read', () => {
    const unknown = [base, sandbox].flatMap((file) =>
      projectServices(file).flatMap(([name, service]) => {
        const environment = environmentOf(service);
        const fromFiles = envFilesOf(service)
          .filter((envFile) => envFile !== '.env') // the operator's; deploy/kyc.env.example is checked below
          .flatMap((envFile) => Object.keys(readEnvFile(envFile)));
        const names = [
          ...Object.keys(environment),
          ...Object.entries(environment).flatMap(([variable, value]) =>
            // The one value that carries a variable compose reads for itself: checked on its own below.
            interpolatedNames(value).filter((used) => !ENGINE_DB_PASSWORD.test(`${variable}=${used}`)),
          ),
          ...fromFiles,
        ];
        return names.filter((variable) => !KNOWN.has(variable)).map((variable) => `${name}: ${variable}`);
      }),
    );
    expect(unknown).toEqual([]);
  });

  it('keep every credential out of the compose files: the worker and the API read them from .env', () => {
    for (const name of ['worker', 'api']) {
      expect(envFilesOf(base.services[name])).toEqual(['.env']);
      const secrets = Object.keys(environmentOf(base.services[name])).filter((variable) =>
        /TOKEN|SECRET|PASSWORD|_KEY/.test(variable),
      );
      expect(secrets).toEqual([]);
    }
  });

  it("give the worker and the API the engine's database on the postgresql service, the password from .env", () => {
    const url = environmentOf(base.services.worker).KYC_DATABASE_URL ?? '';
    expect(url).toBe('postgres://temporal:${TEMPORAL_DB_PASSWORD}@postgresql:5432/kyc');
    expect(environmentOf(base.services.postgresql).POSTGRES_USER).toBe('temporal');
    // The database the schema job creates, and the name the cluster uses (cluster/postgres.ts).
    expect(readRepoFile('deploy/temporal/setup-schema.sh')).toMatch(/^ENGINE_DATABASE=kyc\b/m);
    expect(environmentOf(base.services.api).KYC_DATABASE_URL).toBe(url);
    expect(environmentOf(sandbox.services.worker).KYC_DATABASE_URL).toBeUndefined();
    expect(workerConfigSchema.parse(containerEnv('worker', base, sandbox)).KYC_DATABASE_URL).toBe(
      'postgres://temporal:@postgresql:5432/kyc',
    );
  });

  it('make current the very version the workers poll as, after they are healthy', () => {
    const job = containerEnv('temporal-set-current-version', base);
    const worker = workerConfigSchema.parse(containerEnv('worker', base, sandbox));
    expect(job.KYC_WORKER_BUILD_ID).toBe(worker.KYC_WORKER_BUILD_ID);
    expect(job.KYC_WORKER_DEPLOYMENT_NAME).toBe(worker.KYC_WORKER_DEPLOYMENT_NAME);
    expect(base.services['temporal-set-current-version']?.depends_on).toEqual({
      worker: { condition: 'service_healthy' },
    });
    expect(() => interpolate(environmentOf(base.services.worker).KYC_WORKER_BUILD_ID ?? '', {})).toThrow(
      /KYC_WORKER_BUILD_ID is required/,
    );
  });

  it('register exactly the search attributes of domain/search-attributes.ts', () => {
    const registered = environmentOf(base.services['temporal-register']).SEARCH_ATTRIBUTES ?? '';
    const asCli = (type: string) => type.replaceAll('_', '').toUpperCase();
    const pairs = registered.split(/\s+/).map((pair) => {
      const [name, type] = pair.split('=');
      return `${name}=${asCli(type ?? '')}`;
    });
    expect(pairs.sort()).toEqual(KYC_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${asCli(key.type)}`).sort());
  });

  it('build the worker and the API from the Dockerfile as one image, the sandbox from its own', () => {
    const built = [base, sandbox].flatMap((file) =>
      Object.entries(file.services).filter(([, service]) => service.build !== undefined),
    );
    expect(built.map(([name]) => name).sort()).toEqual([...PROJECT_SERVICES].sort());
    for (const name of ['worker', 'api']) {
      expect(base.services[name]?.image).toBe(base.services.worker?.image);
      expect(base.services[name]?.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    }
    const simulators = sandbox.services.sandbox;
    expect(simulators?.build).toEqual({ context: '.', dockerfile: 'sandbox/Dockerfile' });
    expect(simulators?.image).not.toBe(base.services.worker?.image);
    expect(simulators?.command).toBeUndefined();
  });

  it('start a service only once what it depends on is healthy (with a healthcheck) or done', () => {
    const services = { ...base.services, ...sandbox.services };
    const healthchecked = (name: string) =>
      base.services[name]?.healthcheck !== undefined || sandbox.services[name]?.healthcheck !== undefined;
    const wrong = Object.entries(services).flatMap(([name]) =>
      [base, sandbox].flatMap((file) =>
        Object.entries(file.services[name]?.depends_on ?? {}).map(([target, how]) => {
          const condition = (how as { condition?: string }).condition;
          if (condition === 'service_completed_successfully') return null;
          if (condition === 'service_healthy' && healthchecked(target)) return null;
          return `${name} -> ${target}: ${condition ?? 'no condition'}`;
        }),
      ),
    );
    expect(wrong.filter(Boolean)).toEqual([]);
  });

  it('publish the API and the UI on loopback, never PostgreSQL, and point the UI codec at the published API', () => {
    const api = base.services.api;
    const apiEnv = containerEnv('api', base);
    expect(publishedPorts(base.services.postgresql)).toEqual([]);
    expect(publishedPorts(api)).toEqual([{ host: apiEnv.KYC_API_PORT, container: apiEnv.KYC_API_PORT }]);
    expect(api?.ports).toEqual([`127.0.0.1:${apiEnv.KYC_API_PORT}:${apiEnv.KYC_API_PORT}`]);
    const ui = publishedPorts(base.services['temporal-ui'])[0];
    const uiEnv = environmentOf(base.services['temporal-ui']);
    expect(uiEnv.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${apiEnv.KYC_API_PORT}/codec`);
    expect(apiEnv.KYC_CODEC_CORS_ORIGINS?.split(',')).toContain(`http://localhost:${ui?.host}`);
    expect(healthcheckPort(api)).toBe(apiEnv.KYC_API_PORT);
    expect(healthcheckPort(base.services.worker)).toBe(containerEnv('worker', base).KYC_METRICS_PORT);
  });
});

describe('the sandbox file', () => {
  const env = (name: string) => containerEnv(name, base, sandbox);

  it('replaces the partner .env of the worker and the API with the sandbox env file whole', () => {
    for (const name of ['worker', 'api']) {
      const envFile = sandbox.doc.getIn(['services', name, 'env_file'], true) as { tag?: string };
      expect(envFile.tag).toBe('!override');
      expect(envFilesOf(sandbox.services[name])).toEqual(['deploy/sandbox.env']);
    }
  });

  it('gives the worker, the API and the simulators a complete, consistent configuration', () => {
    const settings = loadSandboxSettings(env('sandbox'));
    const worker = workerConfigSchema.parse(env('worker'));
    const api = apiConfigSchema.parse(env('api'));

    expect(worker.KRIPTOMAT_BASE_URL).toBe(`http://sandbox:${settings.KRIPTOMAT_SIM_PORT}`);
    expect(worker.SUMSUB_BASE_URL).toBe(`http://sandbox:${settings.SUMSUB_SIM_PORT}`);
    expect(api.SUMSUB_BASE_URL).toBe(worker.SUMSUB_BASE_URL);
    expect(settings.SUMSUB_SIM_WEBHOOK_URL).toBe(`http://api:${api.KYC_API_PORT}/webhooks/sumsub`);
    expect(settings.SANDBOX_HOST).toBe('0.0.0.0');
    expect(worker.KRIPTOMAT_TOKEN).toBe(settings.KRIPTOMAT_TOKEN);
    expect([worker.SUMSUB_APP_TOKEN, worker.SUMSUB_SECRET_KEY]).toEqual([
      settings.SUMSUB_APP_TOKEN,
      settings.SUMSUB_SECRET_KEY,
    ]);
    expect(worker.SUMSUB_KRIPTOMAT_CLIENT_ID).toBe(settings.SUMSUB_KRIPTOMAT_CLIENT_ID);
    expect(api.SUMSUB_WEBHOOK_SECRET).toBe(settings.SUMSUB_WEBHOOK_SECRET);
    expect(worker.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(() => parseKeyring(worker.KYC_CODEC_KEY)).not.toThrow();
    expect(healthcheckPort(sandbox.services.sandbox)).toBe(String(settings.KRIPTOMAT_SIM_PORT));
  });
});
