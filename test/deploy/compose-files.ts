import { parse as parseDotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { Document } from 'yaml';

/** Reading the deployment files as docker compose does, closely enough for the checks in this folder. */
export const ROOT = path.resolve(__dirname, '../..');
export const readRepoFile = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | (string | { path: string })[];
  ports?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
  profiles?: string[];
}

export interface ComposeFile {
  doc: Document;
  services: Record<string, ComposeService>;
}

/** Compose's merge tags: the value replaces the base file's instead of merging with it. */
const COMPOSE_TAGS = ['!override', '!reset'].flatMap((tag) =>
  (['seq', 'map'] as const).map((collection) => ({ tag, collection, resolve: <T>(node: T) => node })),
);

export function loadCompose(file: string): ComposeFile {
  const doc = parseDocument(readRepoFile(file), { merge: true, customTags: COMPOSE_TAGS });
  const problems = [...doc.errors, ...doc.warnings].map((problem) => problem.message);
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('\n')}`);
  const data = doc.toJS() as { services: Record<string, ComposeService> };
  return { doc, services: data.services };
}

/** The `environment:` of a service as name → value (a bare list entry, passed through from compose, is ''). */
export function environmentOf(service: ComposeService | undefined): Record<string, string> {
  const environment = service?.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value ?? '')]));
}

/** The env files of a service, as paths from the project directory (the folder of docker-compose.yml). */
export function envFilesOf(service: ComposeService | undefined): string[] {
  const files = service?.env_file ?? [];
  return (Array.isArray(files) ? files : [files]).map((file) =>
    typeof file === 'string' ? file : file.path,
  );
}

export const readEnvFile = (file: string): Record<string, string> => parseDotenv(readRepoFile(file));

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a compose value interpolates (`${VAR}`, `${VAR:-default}`, `$VAR`; `$$` is a literal `$`). */
export function interpolatedNames(value: string): string[] {
  const names = [...value.replaceAll('$$', '').matchAll(INTERPOLATION)].map((match) => match[1] ?? match[4]);
  return names.filter((name): name is string => name !== undefined);
}

/**
 * What an operator's `.env` must set for compose to start at all (its `${VAR:?...}` variables), as
 * deploy/kyc.env.example asks for them.
 */
const REQUIRED_BY_COMPOSE: Record<string, string> = { KYC_WORKER_BUILD_ID: 'build-1' };

/**
 * A value as compose would resolve it with only the required variables set: each other one takes its default,
 * and a required one missing from `set` fails.
 */
export function interpolate(value: string, set: Record<string, string> = REQUIRED_BY_COMPOSE): string {
  return value.replace(
    INTERPOLATION,
    (whole, braced?: string, operator?: string, fallback?: string, bare?: string) => {
      const given = set[braced ?? bare ?? ''];
      if (given !== undefined) return given;
      if (operator?.endsWith('-')) return fallback ?? '';
      if (operator?.endsWith('?')) throw new Error(`${braced ?? bare ?? ''} is required: ${whole}`);
      return '';
    },
  );
}

/**
 * The environment a container of `name` starts with: its env files but `.env` (the override file's replace the
 * base's, as `!override` does), then `environment:` of the base and the override, all interpolated without a shell.
 */
export function containerEnv(
  name: string,
  base: ComposeFile,
  override?: ComposeFile,
): Record<string, string> {
  const over = override?.services[name];
  const files = over?.env_file !== undefined ? envFilesOf(over) : envFilesOf(base.services[name]);
  // `.env` is the operator's own file, absent here: what goes in it is checked against kyc.env.example.
  const fromFiles = Object.assign({}, ...files.filter((file) => file !== '.env').map(readEnvFile)) as Record<
    string,
    string
  >;
  const set = { ...environmentOf(base.services[name]), ...environmentOf(over) };
  const resolved = Object.fromEntries(Object.entries(set).map(([key, value]) => [key, interpolate(value)]));
  return { ...fromFiles, ...resolved };
}

/** The published `host:container` port pairs of a service, without a host address. */
export function publishedPorts(service: ComposeService | undefined): { host: string; container: string }[] {
  return (service?.ports ?? []).map((spec) => {
    const parts = spec.split(':');
    return { host: parts.at(-2) ?? '', container: parts.at(-1) ?? '' };
  });
}

/** The port of the first `http://host:port/...` URL in a healthcheck. */
export function healthcheckPort(service: ComposeService | undefined): string | undefined {
  const test = service?.healthcheck?.test ?? [];
  return /http:\/\/[^/:]+:(\d+)\//.exec(Array.isArray(test) ? test.join(' ') : test)?.[1];
}
