/** The studio's script and style, bundled at build time (see src/http/client-assets.ts). */
import { clientAssets } from '../src/http/client-assets.js';

export const studioAssets = clientAssets('studio');
