/** Builds the OpenAPI 3.1 document from OPERATIONS and their zod schemas. */
import { z } from 'zod';
import { problemSchema } from '../representations/problem.js';
import type { Access, Operation } from './operation.js';
import { OPERATIONS, openApiDocumentSchema } from './operations.js';

type JsonObject = Record<string, unknown>;

const COMPONENT = '#/components/schemas/';

/**
 * JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client sends or receives.
 * In answers, each named resource (../representations) is a reference to its
 * component, described once.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  delete out.$schema;
  if (io === 'input') return out;
  delete out.$defs; // the resources, described once under components
  return JSON.parse(JSON.stringify(out).replaceAll('"#/$defs/', `"${COMPONENT}`)) as JsonObject;
}

/** Every named resource (src/http/representations), as the components answers refer to. */
function resourceSchemas(): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `${COMPONENT}${id}`,
  });
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

export const toOpenApiPath = (expressPath: string) =>
  expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `errors` names each field',
  401: 'Not signed in, or the token is invalid or revoked',
  403: 'Not allowed (administrators only), or the CSRF token is missing',
  404: 'Not found',
  408: 'The body came too slowly (its deadline, or an upload silent too long); the connection is closed',
  409: 'Conflict with the current state',
  412: 'The tus protocol version is missing (`Tus-Resumable: 1.0.0`)',
  413: 'The file is larger than the configured limit',
  415: 'The body is not of the type this operation takes (JSON unless said otherwise)',
  422: 'The request cannot be carried out as asked',
  424: 'A remote address named in the request could not be read (timeout, too large, error)',
  429: 'Too many attempts',
  502: 'A remote server could not be read',
  503: 'The job queue is unavailable; nothing was stored',
};

const SECURITY: Record<Access, JsonObject[] | undefined> = {
  public: undefined,
  editor: [{ bearer: [] }, { session: [], csrf: [] }],
  session: [{ session: [], csrf: [] }],
  admin: [{ session: [], csrf: [] }],
};

function operation(op: Operation): JsonObject {
  const params: JsonObject[] = [...op.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = (op.query?.shape ?? {}) as Record<string, z.ZodType>;
  for (const [name, schema] of Object.entries(query)) {
    params.push({
      name,
      in: 'query',
      required: !schema.safeParse(undefined).success,
      schema: jsonSchema(schema, 'input'),
    });
  }
  const responses: JsonObject = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const mediaType = r.mediaType ?? 'application/json';
    responses[status] =
      r.schema || r.mediaType
        ? {
            description: r.description,
            content: {
              [mediaType]: r.schema
                ? { schema: jsonSchema(r.schema, 'output') }
                : { schema: { type: 'string' } },
            },
          }
        : { description: r.description };
  }
  const errors = new Set<number>(op.errors ?? []);
  if (op.body || params.length) errors.add(400);
  if (op.body) errors.add(415);
  if (op.access !== 'public') errors.add(401);
  if (op.access === 'admin' || op.access === 'editor' || op.access === 'session') errors.add(403);
  for (const status of [...errors].sort()) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'Error',
      content: { 'application/problem+json': { schema: jsonSchema(problemSchema, 'output') } },
    };
  }
  let requestBody: JsonObject | undefined;
  if (op.body && 'raw' in op.body) {
    requestBody = {
      required: true,
      content: Object.fromEntries(
        op.body.raw.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }]),
      ),
    };
  } else if (op.body) {
    const schema = jsonSchema(op.body.schema, 'input');
    if (op.body.multipart) {
      const properties = (schema.properties ?? {}) as JsonObject;
      properties.audio = {
        type: 'string',
        contentMediaType: 'application/octet-stream',
        description: 'The recording (MP3, WAV, M4A, FLAC, Ogg…)',
      };
      schema.properties = properties;
      schema.required = [...((schema.required as string[] | undefined) ?? []), 'audio'];
    }
    const content: JsonObject = {
      [op.body.multipart ? 'multipart/form-data' : 'application/json']: { schema },
    };
    if (op.body.json) content['application/json'] = { schema: jsonSchema(op.body.json, 'input') };
    requestBody = { required: true, content };
  }
  const security = SECURITY[op.access];
  return {
    operationId: `${op.method}${op.path
      .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))
      .replace(/^./, (c) => c.toUpperCase())}`,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    ...(security ? { security } : {}),
  };
}

export function buildOpenApiDocument(publicUrl: string): z.output<typeof openApiDocumentSchema> {
  const paths: Record<string, JsonObject> = {};
  for (const op of OPERATIONS) {
    const key = toOpenApiPath(op.path);
    paths[key] = { ...(paths[key] ?? {}), [op.method]: operation(op) };
  }
  return openApiDocumentSchema.parse({
    openapi: '3.1.0',
    info: {
      title: 'Antenne API',
      version: '1',
      description:
        'Publish a newsroom’s audio interviews as a podcast. Writes need an API token (`Authorization: Bearer …`, created by an administrator) or a studio session cookie with its CSRF token.',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
    },
    servers: [{ url: publicUrl }],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (editor rights)' },
        session: { type: 'apiKey', in: 'cookie', name: 'antenne_session' },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: 'x-csrf-token',
          description: 'Required with the session cookie on POST, PUT, PATCH and DELETE',
        },
      },
      schemas: resourceSchemas(),
    },
  });
}
