/**
 * Resumable uploads with the tus 1.0 protocol (@tus/server): an editor creates an
 * upload (POST), sends its bytes in as many PATCHes as the network allows, asks how
 * much arrived (HEAD) after a cut, and gives up with DELETE. Then
 * `POST /api/shows/:slug/episodes` with `{ upload: <id>, …metadata }` makes the
 * episode. Our own middlewares run first: authentication (401, CSRF for sessions),
 * the size limit and the declared type (413, 415 at creation), and ownership
 * (an upload of someone else is 404), each as a JSON problem.
 */
import { randomBytes } from 'node:crypto';
import {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { EVENTS, Server } from '@tus/server';
import { AppError, fieldProblem } from '../../core/errors.js';
import { formatBytes } from '../../core/byte-size.js';
import { uploadIdSchema } from '../../core/schemas.js';
import type { UploadOwner, UploadService } from '../../services/uploads.js';
import type { UploadStore } from '../../storage/upload-store.js';
import { allowSlowBody } from '../body-timeouts.js';
import { principalOf, type Principal } from '../middleware/auth.js';
import { pathParam } from '../middleware/validate.js';
import { defineOperation, route } from '../openapi/operation.js';

const TUS_HEADERS =
  'Send `Tus-Resumable: 1.0.0`. Errors of the tus protocol itself (a missing header, an offset that does not match) are plain text, as tus clients expect; ours are JSON problems.';

export const UPLOAD_OPERATIONS = {
  options: defineOperation({
    method: 'options',
    path: '/api/uploads',
    tag: 'Uploads',
    summary: 'What this tus server supports',
    description:
      'tus 1.0 discovery: `Tus-Version`, `Tus-Extension` (creation, creation-with-upload, termination), `Tus-Max-Size` (MAX_UPLOAD_SIZE).',
    access: 'editor',
    responses: { 204: { description: 'The capabilities, in headers' } },
  }),
  create: defineOperation({
    method: 'post',
    path: '/api/uploads',
    tag: 'Uploads',
    summary: 'Start a resumable upload (tus 1.0 creation)',
    description: `\`Upload-Length\` is the file's size in bytes (at most MAX_UPLOAD_SIZE); \`Upload-Metadata\` may carry \`filename\` and \`filetype\` (audio/*, video/* or application/octet-stream; the content is probed after, as for multipart uploads). The answer's \`Location\` is the upload's URL; it belongs to the caller (anyone else gets 404) and lapses after UPLOAD_EXPIRY_HOURS without data. ${TUS_HEADERS}`,
    access: 'editor',
    responses: { 201: { description: 'Created: `Location` is the upload’s URL' } },
    errors: [400, 412, 413, 415],
  }),
  offset: defineOperation({
    method: 'head',
    path: '/api/uploads/:id',
    tag: 'Uploads',
    summary: 'How much of the upload arrived (tus 1.0)',
    description: `\`Upload-Offset\` is where to resume, \`Upload-Length\` the whole size. ${TUS_HEADERS}`,
    access: 'editor',
    responses: { 200: { description: 'The offset and length, in headers' } },
    errors: [404, 412],
  }),
  append: defineOperation({
    method: 'patch',
    path: '/api/uploads/:id',
    tag: 'Uploads',
    summary: 'Send bytes from `Upload-Offset` on (tus 1.0)',
    description: `\`Content-Type: application/offset+octet-stream\`, \`Upload-Offset\` as the last HEAD said. A cut connection keeps what arrived. ${TUS_HEADERS}`,
    access: 'editor',
    body: { raw: ['application/offset+octet-stream'] },
    responses: { 204: { description: 'Stored: `Upload-Offset` is the new offset' } },
    errors: [404, 409, 412, 413],
  }),
  terminate: defineOperation({
    method: 'delete',
    path: '/api/uploads/:id',
    tag: 'Uploads',
    summary: 'Give up an upload and remove its bytes (tus 1.0 termination)',
    description: TUS_HEADERS,
    access: 'editor',
    responses: { 204: { description: 'Removed' } },
    errors: [404, 412],
  }),
};

/** Who owns an upload: a person for a studio session, the token for an API client. */
export function uploadOwnerOf(principal: Principal): UploadOwner {
  return principal.kind === 'session'
    ? `user:${principal.user.id}`
    : `token:${principal.tokenId ?? 'configured'}`;
}

const ownerOrThrow = (req: Request): UploadOwner => {
  const principal = principalOf(req);
  // requireEditor ran first: this is a bug, not a client error.
  if (!principal) throw new Error('upload route reached without a principal');
  return uploadOwnerOf(principal);
};

/** Types a recording may declare; anything else is refused before a byte is stored. */
const ALLOWED_TYPE = /^(audio\/[\w.+-]+|video\/[\w.+-]+|application\/octet-stream)?$/i;

/** tus Upload-Metadata: comma-separated `key base64value` pairs. */
export function parseUploadMetadata(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (header ?? '').split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key) out.set(key, value ? Buffer.from(value, 'base64').toString('utf8') : '');
  }
  return out;
}

/** A file name fit for a storage key's extension and the episode's record. */
const fileNameFrom = (metadata: Map<string, string>) => {
  // eslint-disable-next-line no-control-regex
  const name = (metadata.get('filename') ?? '').replace(/[\u0000-\u001f\u007f/\\]/g, '').trim();
  return name.slice(0, 255) || 'upload';
};

export function uploadsRouter(deps: {
  uploads: UploadService;
  store: UploadStore;
  publicUrl: string;
  maxBytes: number;
  requireEditor: RequestHandler;
}): Router {
  const { uploads, store, maxBytes } = deps;
  const ops = UPLOAD_OPERATIONS;
  const tus = new Server({
    path: ops.create.path,
    datastore: store.datastore,
    maxSize: maxBytes,
    namingFunction: () => store.storeId(randomBytes(16).toString('hex')),
    generateUrl: (_req, { id }) => `${deps.publicUrl}${ops.create.path}/${store.urlId(id)}`,
    getFileIdFromRequest: (_req, lastPath) =>
      lastPath && uploadIdSchema.safeParse(lastPath).success ? store.storeId(lastPath) : undefined,
    // Our checks ran before (creation); this records the owner before the store creates it.
    onUploadCreate: async (req, upload) => {
      const nodeReq = (req as { runtime?: { node?: { req: Request } } }).runtime?.node?.req;
      if (!nodeReq) throw new Error('tus request without its Node request');
      const metadata = new Map(Object.entries(upload.metadata ?? {}).map(([k, v]) => [k, v ?? '']));
      await uploads.register({
        id: store.urlId(upload.id),
        owner: ownerOrThrow(nodeReq),
        bytes: upload.size ?? 0,
        fileName: fileNameFrom(metadata),
      });
      return {};
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (_req, _res, id: string) => {
    void uploads.forget(store.urlId(id));
  });
  const handle: RequestHandler = (req, res, next) => {
    tus.handle(req, res).catch(next);
  };

  /** Size and type, refused as problems before tus creates anything. */
  const creationChecks: RequestHandler = (req, _res, next) => {
    const length = req.get('upload-length');
    if (length === undefined || !/^\d{1,16}$/.test(length)) {
      return next(
        fieldProblem(
          'The upload’s size is missing',
          { field: 'Upload-Length', message: 'must be the file’s size in bytes' },
          'Send the whole size in Upload-Length (deferred lengths are not accepted).',
        ),
      );
    }
    if (Number(length) > maxBytes) {
      return next(
        new AppError(
          413,
          'too-large',
          'The file is too large',
          `The upload limit is ${formatBytes(maxBytes)}. Export the interview at a lower bit rate or ask an administrator to raise MAX_UPLOAD_SIZE.`,
          [{ field: 'Upload-Length', message: `must be at most ${formatBytes(maxBytes)}` }],
        ),
      );
    }
    const type = parseUploadMetadata(req.get('upload-metadata')).get('filetype') ?? '';
    if (!ALLOWED_TYPE.test(type)) {
      return next(
        new AppError(
          415,
          'unsupported-media-type',
          'Send an audio recording',
          `The file says it is "${type}": upload the interview's audio (WAV, MP3, M4A, FLAC, Ogg…) or its video.`,
          [
            {
              field: 'Upload-Metadata.filetype',
              message: 'must be audio/*, video/* or application/octet-stream',
            },
          ],
        ),
      );
    }
    // Authorised and within the limit: the body (creation-with-upload) may take its time.
    allowSlowBody(req);
    next();
  };

  /** Only the owner sees an upload; bytes arriving keep it alive. */
  const ownUpload: RequestHandler = async (req: Request, _res: Response, next: NextFunction) => {
    const id = pathParam(req, 'id', uploadIdSchema);
    const record = await uploads.requireOwn(id, ownerOrThrow(req));
    if (record.consumedAt) {
      throw new AppError(
        404,
        'not-found',
        'Upload not found',
        `The upload "${id}" became an episode; its bytes are in the episode now.`,
      );
    }
    if (req.method === 'PATCH') {
      await uploads.touch(id);
      allowSlowBody(req);
    }
    next();
  };

  const router = Router();
  route(router, ops.options, deps.requireEditor, handle);
  route(router, ops.create, deps.requireEditor, creationChecks, handle);
  route(router, ops.offset, deps.requireEditor, ownUpload, handle);
  route(router, ops.append, deps.requireEditor, ownUpload, handle);
  route(router, ops.terminate, deps.requireEditor, ownUpload, handle);
  return router;
}
