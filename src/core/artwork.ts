import { imageSize } from 'image-size';

/** Apple's rule for show artwork: a square JPEG or PNG, 1400 to 3000 pixels a side. */
export const ARTWORK_MIN = 1400;
export const ARTWORK_MAX = 3000;

export type ArtworkCheck =
  | {
      ok: true;
      type: 'jpg' | 'png';
      mimeType: 'image/jpeg' | 'image/png';
      width: number;
      height: number;
    }
  | {
      ok: false;
      /** An English sentence (the API's); `reason` and the figures let the studio word it. */
      problem: string;
      reason: ArtworkProblem;
      width?: number;
      height?: number;
      format?: string;
    };

/** Why artwork breaks Apple's rule, for translations. */
export type ArtworkProblem = 'unreadable' | 'format' | 'not-square' | 'size';

/** Reads the image header (never trusts the declared type) and checks Apple's rule. */
export function checkArtwork(bytes: Uint8Array): ArtworkCheck {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    return {
      ok: false,
      reason: 'unreadable',
      problem: 'The artwork is not an image we can read: send a JPEG or PNG.',
    };
  }
  if (size.type !== 'jpg' && size.type !== 'png') {
    return {
      ok: false,
      reason: 'format',
      format: size.type ?? '?',
      problem: `The artwork is ${size.type ?? 'an unknown format'}: Apple accepts JPEG or PNG only.`,
    };
  }
  const { width, height } = size;
  if (width !== height)
    return {
      ok: false,
      reason: 'not-square',
      width,
      height,
      problem: `The artwork is ${width}×${height} px: it must be square.`,
    };
  if (width < ARTWORK_MIN || width > ARTWORK_MAX) {
    return {
      ok: false,
      reason: 'size',
      width,
      height,
      problem: `The artwork is ${width}×${height} px: it must be between ${ARTWORK_MIN} and ${ARTWORK_MAX} px a side.`,
    };
  }
  return {
    ok: true,
    type: size.type,
    mimeType: size.type === 'png' ? 'image/png' : 'image/jpeg',
    width,
    height,
  };
}
