import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError } from '../../core/errors.js';

/** Room for the text fields and multipart framing on top of the file itself. */
const MULTIPART_OVERHEAD = 2 * 1024 * 1024;

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`;
}

/**
 * Streams one audio file to disk (never to memory), with limits, and removes the
 * temp file when the response ends or the client goes away, whatever happened
 * (multer can leave a partial file behind on aborted or oversized uploads).
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
    limits: { fileSize: options.maxBytes, files: 1, fields: 50, fieldSize: 1024 * 1024, parts: 60 },
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
          `Put the audio file in the "${options.field}" field and the article metadata in text fields.`,
        ),
      );
    }
    const declared = Number(req.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes + MULTIPART_OVERHEAD) {
      return next(tooLarge(options.maxBytes));
    }
    parse(req, res, (error: unknown) => {
      if (!error) {
        if (!req.file) {
          return next(
            new AppError(
              400,
              'validation',
              'The audio file is missing',
              `Attach the recording in the "${options.field}" field.`,
              [{ field: options.field, message: 'is required' }],
            ),
          );
        }
        return next();
      }
      if (error instanceof multer.MulterError) {
        if (error.code === 'LIMIT_FILE_SIZE') return next(tooLarge(options.maxBytes));
        const field = error.field ?? options.field;
        return next(
          new AppError(
            400,
            'validation',
            'The upload was refused',
            `${error.message} (${field}).`,
            [{ field, message: error.message }],
          ),
        );
      }
      next(error);
    });
  };
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    413,
    'too-large',
    'The file is too large',
    `The upload limit is ${formatBytes(maxBytes)}. Export the interview at a lower bit rate or ask an administrator to raise MAX_UPLOAD_SIZE.`,
    [{ field: 'audio', message: `must be at most ${formatBytes(maxBytes)}` }],
  );
}

const TEMP_PATHS = Symbol('uploadTempPaths');

function tempPaths(req: Request): string[] {
  const holder = req as Request & { [TEMP_PATHS]?: string[] };
  holder[TEMP_PATHS] ??= [];
  return holder[TEMP_PATHS];
}
