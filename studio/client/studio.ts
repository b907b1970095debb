/**
 * The studio's behaviour on top of server-rendered pages: forms post JSON with the
 * CSRF token, problems land next to their fields, times show in the editor's zone,
 * choices can be searched, the upload reports its progress, and
 * processing progress arrives as server-sent events (polling if they fail). Each
 * module acts only on the page that has its elements.
 */
import './account.js';
import './users.js';
import './my-account.js';
import './shows.js';
import './new-episode.js';
import './episode.js';
import './clips.js';
import './corrections.js';
import './quality-settings.js';
import './local-times.js';
import './choices.js';
