import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError, fieldProblem, type FieldError } from '../../core/errors.js';
import { allowSlowBody } from '../body-timeouts.js';
import { formatBytes } from '../../core/byte-size.js';

/** Room for the text fields and multipart framing on top of the file itself. */
const MULTIPART_OVERHEAD = 2 * 1024 * 1024;

const LIMITS = {
  files: 1,
  fields: 50,
  fieldSize: 1024 * 1024,
  fieldNameSize: 100,
  parts: 60,
} as const;

/** What a problem calls the form as a whole (a limit of the form, not of one field). */
const FORM = '(form)';

/**
 * Streams one audio file to disk (never to memory), with limits, and removes the
 * temp file when the response ends or the client goes away, whatever happened
 * (multer can leave a partial file behind on aborted or oversized uploads).
 * Once here the caller is authorised, so the body has no deadline, only an idle
 * timeout (src/http/body-timeouts.ts).
 */
export function audioUpload(options: {
  tmpDir: string;
  maxBytes: number;
  field: string;
}): RequestHandler {
  fs.mkdirSync(options.tmpDir, { recursive: true });
  const storage = multer.diskStorage({
    destination: options.tmpDir,
    filename: (req, _file, cb) => {
      // pid in the name: a boot-time sweep can tell a crashed process's leftovers.
      const name = `upload-${process.pid}-${randomBytes(8).toString('hex')}`;
      tempPaths(req).push(path.join(options.tmpDir, name));
      cb(null, name);
    },
  });
  const parse = multer({
    storage,
    // Browsers send UTF-8 file names without saying so: « Entretien ministre.wav » stays intact.
    defParamCharset: 'utf8',
    limits: { ...LIMITS, fileSize: options.maxBytes },
  }).single(options.field);

  return (req: Request, res: Response, next: NextFunction) => {
    const cleanup = () => {
      for (const p of tempPaths(req)) fs.rm(p, { force: true }, () => undefined);
    };
    res.once('finish', cleanup);
    res.once('close', cleanup);

    if (!req.is('multipart/form-data')) {
      return next(
        new AppError(
          415,
          'unsupported-media-type',
          'Send the episode as multipart/form-data',
          `Put the audio file in the "${options.field}" field and the article metadata in text fields; or send JSON with the metadata and the id of a finished resumable upload in "upload".`,
        ),
      );
    }
    const declared = Number(req.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes + MULTIPART_OVERHEAD) {
      return next(tooLarge(options.field, options.maxBytes));
    }
    allowSlowBody(req);
    parse(req, res, (error: unknown) => {
      if (!error) {
        if (!req.file) {
          return next(
            fieldProblem(
              'The audio file is missing',
              { field: options.field, message: 'is required' },
              `Attach the recording in the "${options.field}" field.`,
            ),
          );
        }
        return next();
      }
      next(uploadProblem(error, options) ?? error);
    });
  };
}

/** What multer or busboy refused, as a problem naming the field or the framing at fault. */
function uploadProblem(
  error: unknown,
  options: { field: string; maxBytes: number },
): AppError | null {
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return tooLarge(options.field, options.maxBytes);
    const refused = (field: string, message: string) =>
      fieldProblem('The upload was refused', { field, message }, `${field}: ${message}.`);
    switch (error.code) {
      case 'LIMIT_FILE_COUNT':
        return refused(options.field, 'send one file only');
      case 'LIMIT_UNEXPECTED_FILE':
        return refused(
          error.field ?? FORM,
          `is not a file field: attach the recording in "${options.field}"`,
        );
      case 'LIMIT_FIELD_COUNT':
        return refused(FORM, `has more than ${LIMITS.fields} text fields`);
      case 'LIMIT_PART_COUNT':
        return refused(FORM, `has more than ${LIMITS.parts} parts`);
      case 'LIMIT_FIELD_KEY':
        return refused(FORM, `has a field name longer than ${LIMITS.fieldNameSize} bytes`);
      case 'LIMIT_FIELD_VALUE':
        return refused(error.field ?? FORM, `is longer than ${formatBytes(LIMITS.fieldSize)}`);
      case 'MISSING_FIELD_NAME':
        return refused(FORM, 'has a part without a field name');
      default:
        return refused(error.field ?? FORM, error.message.toLowerCase());
    }
  }
  const message = error instanceof Error ? error.message : '';
  const malformed = MALFORMED[message];
  return malformed
    ? new AppError(400, 'malformed-multipart', malformed.title, malformed.detail)
    : null;
}

/** busboy's parse errors (plain Errors, told apart by their stable messages). */
const MALFORMED: Record<string, { title: string; detail: string }> = {
  'Multipart: Boundary not found': {
    title: 'The multipart body has no boundary',
    detail:
      'The Content-Type header says multipart/form-data without a boundary parameter. Let your HTTP client build the form (it sets the header with its boundary) rather than setting the header by hand.',
  },
  'Malformed content type': {
    title: 'The Content-Type header cannot be read',
    detail:
      'Send Content-Type: multipart/form-data; boundary=… (your HTTP client sets it for a form).',
  },
  'Unexpected end of form': {
    title: 'The multipart body is incomplete',
    detail:
      'The body ended before the closing boundary of the form: the upload was cut short, or the body is not multipart/form-data. Send it again.',
  },
  'Unexpected end of file': {
    title: 'The multipart body is incomplete',
    detail: 'The body ended in the middle of the audio file. Send it again.',
  },
  'Malformed part header': {
    title: 'The multipart body cannot be read',
    detail: 'A part of the form has headers that cannot be read.',
  },
  // multer, when the client went away mid-body: nobody may be left to read this.
  'Request aborted': {
    title: 'The upload was interrupted',
    detail: 'The connection ended before the whole body arrived. Send it again.',
  },
  'Request closed': {
    title: 'The upload was interrupted',
    detail: 'The connection ended before the whole body arrived. Send it again.',
  },
};

function tooLarge(field: string, maxBytes: number): AppError {
  const errors: FieldError[] = [{ field, message: `must be at most ${formatBytes(maxBytes)}` }];
  return new AppError(
    413,
    'too-large',
    'The file is too large',
    `The upload limit is ${formatBytes(maxBytes)}. Export the interview at a lower bit rate or ask an administrator to raise MAX_UPLOAD_SIZE.`,
    errors,
  );
}

const TEMP_PATHS = Symbol('uploadTempPaths');

function tempPaths(req: Request): string[] {
  const holder = req as Request & { [TEMP_PATHS]?: string[] };
  holder[TEMP_PATHS] ??= [];
  return holder[TEMP_PATHS];
}
