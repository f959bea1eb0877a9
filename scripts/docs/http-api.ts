import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { createApp } from '../../api';
import { createLogger } from '../../observability/logger';
import { blocks, code, table } from './markdown';

/** The parts of an OpenAPI 3.1 document this page reads. */
export interface OpenApiDocument {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  webhooks?: Record<string, Record<string, Operation>>;
  components?: {
    securitySchemes?: Record<string, { type: string; scheme?: string; description?: string }>;
    schemas?: Record<string, Schema>;
  };
}

interface Operation {
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }> }>;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  format?: string;
}

/** A PayloadCodec that never runs: the document does not depend on the keys. */
const identity = (payloads: Payload[]) => Promise.resolve(payloads);

/**
 * The document `/openapi.json` serves, from the app built with inert dependencies and asked in-process: the
 * Temporal connection is lazy and never used, no port is opened.
 */
export async function openApiDocument(): Promise<OpenApiDocument> {
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  try {
    const app = createApp({
      client: new Client({ connection }),
      config: {
        KYC_API_TOKEN: 'inert',
        SUMSUB_WEBHOOK_SECRET: 'inert',
        TEMPORAL_TASK_QUEUE: 'kyc',
        SUMSUB_LEVEL_NAME: 'inert',
        SUMSUB_WEBSDK_TOKEN_TTL_SECS: 60,
        KYC_CODEC_CORS_ORIGINS: [],
      },
      timings: {},
      sumsub: { createWebSdkAccessToken: () => Promise.reject(new Error('not called')) },
      codec: { encode: identity, decode: identity },
      logger: createLogger({ service: 'docs', level: 'silent' }),
    });
    const response = await app.request('/openapi.json');
    if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
    return (await response.json()) as OpenApiDocument;
  } finally {
    await connection.close();
  }
}

/** `docs/reference/http-api.md`: every operation of the API's OpenAPI document, then its schemas. */
export async function renderHttpApi(): Promise<string> {
  const document = await openApiDocument();
  const schemes = Object.entries(document.components?.securitySchemes ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  const schemas = Object.entries(document.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return blocks(
    '# HTTP API',
    document.info.description,
    'The API serves this document as OpenAPI 3.1 at `GET /openapi.json`; the requests are validated by the same schemas. Bodies are JSON unless their media type is named.',
    '## Authentication',
    table(
      ['scheme', 'type', 'credential'],
      schemes.map(([name, scheme]) => [
        code(name),
        [scheme.type, scheme.scheme].filter(Boolean).join(' '),
        scheme.description ?? '',
      ]),
    ),
    '## Operations',
    ...operations(document.paths, '###'),
    document.webhooks &&
      Object.keys(document.webhooks).length > 0 &&
      '## Notifications the engine sends (webhooks)',
    ...operations(document.webhooks ?? {}, '###'),
    '## Schemas',
    ...schemas.map(([name, schema]) => schemaSection(name, schema)),
  );
}

function operations(paths: OpenApiDocument['paths'], heading: string): string[] {
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => operationSection(method, path, operation, heading)),
  );
}

function operationSection(method: string, path: string, operation: Operation, heading: string): string {
  const auth = operation.security
    ?.flatMap((requirement) => Object.keys(requirement))
    .map(code)
    .join(' or ');
  const parameters = operation.parameters ?? [];
  const body = operation.requestBody;
  return blocks(
    `${heading} \`${method.toUpperCase()} ${path}\``,
    operation.summary,
    operation.description,
    `Auth: ${auth ?? 'none'}.`,
    parameters.length > 0 &&
      table(
        ['parameter', 'in', 'required', 'type', 'meaning'],
        parameters.map((parameter) => [
          code(parameter.name),
          parameter.in,
          parameter.required ? 'yes' : 'no',
          typeText(parameter.schema),
          parameter.description ?? parameter.schema?.description ?? '',
        ]),
      ),
    body &&
      `Request body${body.required ? '' : ' (optional)'}: ${contentText(body.content)}${body.description ? `. ${body.description}` : ''}`,
    table(
      ['status', 'meaning', 'body'],
      Object.entries(operation.responses).map(([status, response]) => [
        status,
        response.description,
        contentText(response.content),
      ]),
    ),
  );
}

const JSON_TYPE = 'application/json';

/** The schemas of a body, each with its media type unless JSON: [CaseView](#caseview). */
function contentText(content: Record<string, { schema?: Schema }> | undefined): string {
  if (!content) return '';
  return Object.entries(content)
    .map(([type, { schema }]) =>
      type === JSON_TYPE ? typeText(schema) : `${code(type)} ${typeText(schema)}`.trim(),
    )
    .join(', ');
}

function schemaSection(name: string, schema: Schema): string {
  const parts = schema.allOf ?? [schema];
  const named = parts.filter((part) => part.$ref).map(typeText);
  const rows = parts.flatMap((part) => propertyRows(part, ''));
  return blocks(
    `### ${name}`,
    schema.description,
    named.length > 0 && `The properties of ${named.join(' and ')}${rows.length > 0 ? ', and:' : '.'}`,
    rows.length > 0 && table(['property', 'required', 'type', 'meaning'], rows),
    named.length === 0 && rows.length === 0 && `Type: ${typeText(schema)}.`,
  );
}

/** A row per property, those of an inline object (or array of objects) under their parent's name. */
function propertyRows(schema: Schema, prefix: string): string[][] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([property, value]) => {
    const name = `${prefix}${property}`;
    const row = [code(name), required.has(property) ? 'yes' : 'no', typeText(value), value.description ?? ''];
    const items = value.items && !value.items.$ref ? value.items : undefined;
    const nested = value.properties
      ? propertyRows(value, `${name}.`)
      : items
        ? propertyRows(items, `${name}[].`)
        : [];
    return [row, ...nested];
  });
}

/** A schema in a few words: a link to a named schema, a type, an enumeration or a union. */
function typeText(schema: Schema | undefined): string {
  if (!schema) return '';
  if (schema.$ref) {
    const name = schema.$ref.split('/').at(-1) ?? schema.$ref;
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (schema.const !== undefined) return code(JSON.stringify(schema.const));
  if (schema.enum) return schema.enum.map((value) => code(String(value))).join(', ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeText).join(' or ');
  if (schema.allOf) return schema.allOf.map(typeText).join(' and ');
  if (schema.type === 'array') return `array of ${typeText(schema.items)}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  return schema.format ? `${type} (${schema.format})` : type;
}
