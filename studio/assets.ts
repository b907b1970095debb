/** The studio's script and style (see src/http/client-bundle.ts). */
import { clientBundle, type Asset } from '../src/http/client-bundle.js';

export type StudioAsset = Asset;

export const studioAssets = clientBundle({
  name: 'studio',
  from: import.meta.url,
  script: ['./client/studio.ts', './client/studio.js'],
  style: ['./client/studio.css', '../../studio/client/studio.css'],
});
