import { generateCodecKey } from '../../codec';
import { apiConfigSchema, CONFIG_VARIABLES, workerConfigSchema } from '../../config';
import { environmentOf, interpolatedNames, loadCompose, readEnvFile, readRepoFile } from './compose-files';

/**
 * deploy/kyc.env.example, the template of the .env that docker compose gives the worker and the API: its
 * active lines are exactly the variables the two require, and everything it mentions exists.
 */
const EXAMPLE = 'deploy/kyc.env.example';
const active = readEnvFile(EXAMPLE);
const base = loadCompose('docker-compose.yml');

/** What an operator would type into each empty value: something well-formed (secrets of 32 characters and more). */
function filledIn(env: Record<string, string>): Record<string, string> {
  const fill = (name: string) =>
    name === 'KYC_CODEC_KEY' ? generateCodecKey('k1') : `${name.toLowerCase()}-filled-in-value-0123456789`;
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value || fill(name)]));
}

const bothAccept = (env: Record<string, string>) =>
  workerConfigSchema.safeParse(env).success && apiConfigSchema.safeParse(env).success;

/** Variables docker-compose.yml interpolates from .env (or the shell) for itself. */
const composeVariables = [
  ...new Set(
    Object.values(base.services).flatMap((service) => [
      ...Object.values(environmentOf(service)).flatMap(interpolatedNames),
      ...interpolatedNames(service.image ?? ''),
    ]),
  ),
];

describe(EXAMPLE, () => {
  it('once filled in, satisfies both the worker and the API', () => {
    expect(workerConfigSchema.safeParse(filledIn(active)).error?.issues ?? []).toEqual([]);
    expect(apiConfigSchema.safeParse(filledIn(active)).error?.issues ?? []).toEqual([]);
  });

  it('lists no variable either could do without (but those compose itself requires)', () => {
    const removable = Object.keys(active).filter((name) => {
      if (composeVariables.includes(name)) return false;
      const { [name]: _removed, ...rest } = filledIn(active);
      return bothAccept(rest);
    });
    expect(removable).toEqual([]);
  });

  it('leaves every secret empty, for the operator to fill in', () => {
    const prefilled = Object.entries(active).filter(
      ([name, value]) => value && /TOKEN|SECRET|KEY|PASSWORD/.test(name),
    );
    expect(prefilled).toEqual([]);
  });

  it('mentions only variables the project or docker-compose.yml reads, and every one compose reads', () => {
    const mentioned = [...readRepoFile(EXAMPLE).matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map(
      (match) => match[1],
    );
    const known = new Set<string>([...CONFIG_VARIABLES, ...composeVariables]);
    expect(mentioned.filter((name) => name === undefined || !known.has(name))).toEqual([]);
    expect(composeVariables.filter((name) => !mentioned.includes(name))).toEqual([]);
  });
});
