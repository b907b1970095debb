/**
 * The README's API walk-through, run as written against a started server: every
 * `sh` block of its "API walk-through" section, in order, in one shell session
 * (each block's variables carry to the next, as in a terminal), with bash -eu.
 *
 * The only substitutions: the first block's `ANTENNE=` (where the server is) and
 * `TOKEN=` (the editor token) lines get the test server's values. The recording,
 * `entretien.wav`, is French speech from espeak-ng, processed by the real ffmpeg.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, TEST_TOKEN, waitForEpisode, type TestApp } from '../helpers/app.js';
import { tempDir } from '../helpers/audio.js';
import { interview } from '../fixtures/audio.js';

const run = promisify(execFile);
const README = new URL('../../README.md', import.meta.url);

/** The `sh` blocks between the section's heading and the next one. */
function shellBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Points the first block at the test server; fails if the README no longer has those lines. */
function withTestServer(block: string, app: TestApp): string {
  const lines = block.split('\n');
  const replace = (name: string, value: string) => {
    const i = lines.findIndex((l) => l.startsWith(`${name}=`));
    assert.ok(i >= 0, `the first block no longer sets ${name}=`);
    lines[i] = `${name}='${value}'`;
  };
  replace('ANTENNE', app.baseUrl);
  replace('TOKEN', TEST_TOKEN);
  return lines.join('\n');
}

interface BlockRun {
  block: string;
  stdout: string;
  stderr: string;
}

describe('README API walk-through (pglite, real Redis, ffmpeg, espeak-ng)', function () {
  // Longer than the layer’s timeout: runs every README block as a shell command, processing real speech.
  this.timeout(180_000);
  let app: TestApp;
  let work: string;
  const runs: BlockRun[] = [];

  /** The run of the block that contains `text` (exactly one must). */
  const runOf = (text: string): BlockRun => {
    const found = runs.filter((r) => r.block.includes(text));
    assert.equal(found.length, 1, `blocks containing ${JSON.stringify(text)}`);
    return found[0]!;
  };
  const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

  before(async () => {
    work = await tempDir('antenne-readme-');
    app = await startTestApp({ engine: 'pglite' });
    await fs.copyFile(await interview(), path.join(work, 'entretien.wav'));
  });
  after(async () => {
    await app?.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('runs every block of the section, in order, each exiting 0', async () => {
    const blocks = shellBlocks(await fs.readFile(README, 'utf8'), 'API walk-through');
    assert.ok(blocks.length >= 6, `only ${blocks.length} blocks found`);
    const state = path.join(work, '.session');
    for (const [i, block] of blocks.entries()) {
      const script = [
        'set -eu',
        // Every variable a block sets is exported, so that `export -p` hands it to the next.
        'set -a',
        `[ -f ${state} ] && . ${state}`,
        i === 0 ? withTestServer(block, app) : block,
        `export -p > ${state}`,
      ].join('\n');
      try {
        const { stdout, stderr } = await run('bash', ['-c', script], {
          cwd: work,
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
          timeout: 120_000,
        });
        runs.push({ block, stdout, stderr });
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        assert.fail(
          `block ${i + 1} exited ${e.code}:\n${block}\n--- stdout\n${e.stdout}\n--- stderr\n${e.stderr}`,
        );
      }
    }
  });

  it('creates the show', () => {
    const show = json(runOf('/api/shows"').stdout);
    assert.equal(show.slug, 'normandie-numerique');
    assert.equal(show.title, 'Normandie Numérique');
  });

  it('uploads the episode: 202, with its id and status URL, and the HTML summary as text', async () => {
    assert.equal(runOf('-F audio=@entretien.wav').stdout.trim(), '202');
    const episode = json(await fs.readFile(path.join(work, 'episode.json'), 'utf8'));
    assert.match(String(episode.id), /^[A-Za-z0-9_-]+$/);
    assert.match(String(episode.statusUrl), new RegExp(`/api/episodes/${String(episode.id)}$`));
    assert.equal(
      episode.summary,
      '<p>Entretien avec la secrétaire d’État chargée du numérique.</p>',
    );
  });

  it('follows the processing until the episode is ready, with its renditions', () => {
    const status = json(runOf('| grep -Eq').stdout);
    assert.equal(status.state, 'ready');
    const renditions = status.renditions as { mimeType?: string; profile: string }[];
    assert.ok(
      renditions.some((r) => r.profile.startsWith('mp3')),
      JSON.stringify(renditions),
    );
  });

  it('publishes it, and the feed and oEmbed list it', async () => {
    const episode = json(await fs.readFile(path.join(work, 'episode.json'), 'utf8'));
    const id = String(episode.id);
    assert.equal(json(runOf('/publish"').stdout).state, 'published');

    const { stdout } = runOf('/feeds/normandie-numerique.xml');
    const end = stdout.indexOf('</rss>') + '</rss>'.length;
    assert.ok(end > '</rss>'.length, stdout);
    const feed = stdout.slice(0, end);
    assert.match(feed, /<item>[\s\S]*La Team Normandie chef de file du numérique \[AUDIO\]/);
    assert.match(feed, /<enclosure [^>]*type="audio\/mpeg"/);
    const oembed = json(stdout.slice(end));
    assert.equal(oembed.type, 'rich');
    assert.match(String(oembed.html), new RegExp(`/embed/episodes/${id}`));
  });

  it('sends a recording resumably (tus), then makes an episode of it', async () => {
    // The PATCH answers 204 with no body: what the block prints is the 202 episode.
    const episode = json(runOf('Tus-Resumable: 1.0.0').stdout);
    assert.equal(episode.title, 'La Team Normandie');
    const final = await waitForEpisode(app.baseUrl, String(episode.id));
    assert.equal(final.state, 'ready', String(final.failureReason));
  });
});
