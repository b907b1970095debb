/**
 * One declaration per API route: method, path, who may call it, what it takes and
 * what it answers. The route registers itself from it (`route`), answers through
 * the response schema it declares (`reply`), and the OpenAPI document is generated
 * from the same declarations (./operations.ts lists them).
 */
import type { RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';

/** Who may call an operation, as the document says it (src/http/access.ts declares it on the route). */
export type Access = 'public' | 'editor' | 'admin' | 'session';

export interface ResponseSpec {
  readonly description: string;
  /** A JSON body: this schema serialises it (`reply`) and documents it. */
  readonly schema?: z.ZodType;
  /** A body that is not JSON: an event stream, a page. */
  readonly mediaType?: string;
}

export interface Operation {
  readonly method: 'get' | 'head' | 'options' | 'post' | 'put' | 'patch' | 'delete';
  /** Express syntax (`:id`); turned into `{id}` in the document. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: Access;
  /** Query parameters, one per key of the object schema the route parses `req.query` with. */
  readonly query?: z.ZodObject;
  /** JSON (or multipart) described by a zod schema, or a raw body of the given media types. */
  readonly body?:
    | {
        readonly schema: z.ZodType;
        readonly multipart?: boolean;
        /** Also taken as JSON, described by this schema (multipart operations only). */
        readonly json?: z.ZodType;
      }
    | { readonly raw: readonly string[] };
  /** Success status → description, and the body's schema or media type. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Error statuses worth naming besides 400/401/403 implied by body and access. */
  readonly errors?: readonly number[];
}

/** Keeps the literal types of a declaration, so `reply` knows each status's schema. */
export const defineOperation = <const O extends Operation>(op: O): O => op;

/** Registers `handlers` (access first) at the operation's method and path. */
export function route(router: Router, op: Operation, ...handlers: RequestHandler[]): void {
  router[op.method](op.path, ...handlers);
}

type JsonStatus<O extends Operation> = {
  [S in keyof O['responses']]: O['responses'][S] extends { schema: z.ZodType } ? S : never;
}[keyof O['responses']];

type BodyOf<R> = R extends { schema: infer Z extends z.ZodType } ? z.input<Z> : never;

/**
 * Answers `status` with `body` serialised by the schema the operation declares for it:
 * exactly the documented fields leave, and a body that breaks the contract is a bug
 * that fails here (500), not a silent difference from the documentation.
 */
export function reply<O extends Operation, S extends JsonStatus<O> & number>(
  res: Response,
  op: O,
  status: S,
  body: BodyOf<O['responses'][S]>,
): void {
  const schema = op.responses[status]?.schema;
  if (!schema) throw new Error(`${op.method} ${op.path} documents no JSON body for ${status}`);
  res.status(status).json(schema.parse(body));
}
