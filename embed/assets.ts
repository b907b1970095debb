/** The player's script and style (see src/http/client-bundle.ts). */
import { clientBundle, type Asset, type ClientBundle } from '../src/http/client-bundle.js';

export type { Asset };
export type PlayerAssets = ClientBundle;

export const playerAssets = clientBundle({
  name: 'player',
  from: import.meta.url,
  script: ['./client/player.ts', './client/player.js'],
  style: ['./client/player.css', '../../embed/client/player.css'],
});
