/** The player's script and style, bundled at build time (see src/http/client-assets.ts). */
import { clientAssets } from '../src/http/client-assets.js';

export type { Asset, ClientBundle as PlayerAssets } from '../src/http/client-assets.js';

export const playerAssets = clientAssets('player');
