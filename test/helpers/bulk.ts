export { addEpisodes } from '../../bench/support/bulk.js';
