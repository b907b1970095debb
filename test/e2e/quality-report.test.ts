/**
 * Issue 13 acceptance, the quality report and the publication gate: real recordings
 * made by the tests (espeak-ng + ffmpeg filters), through the real worker, on each
 * database engine. Each fault gives its finding (and only that one), a dead right
 * channel is folded to the left in the renditions, a clean interview gives none;
 * publishing with a blocking finding is refused with the report, then accepted with
 * an override whose reason is stored and shown (API, studio page, feed check).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ENGINES } from '../helpers/databases.js';
import { MP3_ONLY_LADDER, uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { decodedDuration, measureLoudness, tempDir } from '../helpers/audio.js';
import { ADMIN, ADMIN_ENV, signIn } from '../helpers/sessions.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { image } from '../fixtures/images.js';
import { interview } from '../fixtures/audio.js';
import {
  clipped,
  cleanStereo,
  deadRightChannel,
  GAP,
  invertedPhase,
  twoSeconds,
  withGap,
} from '../fixtures/quality-audio.js';

interface Finding {
  code: string;
  severity: 'blocking' | 'warning';
  message: string;
  at?: { start: number; end: number };
  data?: Record<string, number | string>;
}
interface EpisodeBody {
  id: string;
  state: string;
  failureReason: string | null;
  quality: { findings: Finding[]; blocking: boolean; analysed: boolean } | null;
  qualityOverrides: {
    reason: string;
    by: { kind: string; id: string | null; name: string };
    at: string;
    findings: string[];
  }[];
  renditions: { profile: string; url: string; channels: number }[];
}

const codes = (e: EpisodeBody) => e.quality!.findings.map((f) => f.code).sort();

for (const engine of ENGINES) {
  describe(`quality report and publication gate (${engine})`, function () {
    // Seven recordings through the worker.
    this.timeout(180_000);
    // The report comes from the input pass; of the renditions, only the MP3 is read.
    const app = useTestApp({ engine, env: ADMIN_ENV }, { ladder: MP3_ONLY_LADDER });
    const episodes: Record<string, EpisodeBody> = {};
    let work: string;

    const get = async (id: string) =>
      (await (await app.authed(`/api/episodes/${id}`)).json()) as EpisodeBody;
    const publish = (id: string, body: unknown) =>
      app.authed(`/api/episodes/${id}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    before(async () => {
      work = await tempDir();
      // Square artwork of Apple's size, uploaded: the report checks the stored file.
      const art = await app.authed(`/api/shows/${SHOW_INPUT.slug}/artwork`, {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body: await fs.readFile(await image(1400, 1400, 'png')),
      });
      assert.equal(art.status, 200, await art.clone().text());
      const files = {
        gap: await withGap(),
        clipped: await clipped(),
        deadRight: await deadRightChannel(),
        inverted: await invertedPhase(),
        short: await twoSeconds(),
        clean: await interview(),
        cleanStereo: await cleanStereo(),
      };
      // Uploaded one after the other: the worker takes them in turn.
      const ids: Record<string, string> = {};
      for (const [name, file] of Object.entries(files)) {
        const res = await uploadEpisode(app, file, { title: `Entretien « ${name} »` });
        assert.equal(res.status, 202, await res.clone().text());
        ids[name] = ((await res.json()) as { id: string }).id;
      }
      for (const [name, id] of Object.entries(ids)) {
        const done = await waitForEpisode(app.baseUrl, id, undefined, 120_000);
        assert.equal(done.state, 'ready', `${name}: ${String(done.failureReason)}`);
        episodes[name] = await get(id);
      }
    });

    after(async () => {
      await fs.rm(work, { recursive: true, force: true });
    });

    it('finds a 20 s gap, with where it is', async () => {
      const e = episodes.gap!;
      assert.deepEqual(codes(e), ['dead-air']);
      const [finding] = e.quality!.findings;
      assert.equal(finding!.severity, 'blocking');
      // The silence starts in the interview's own tail and ends where the second one speaks.
      const speech = await decodedDuration(await interview());
      const { start, end } = finding!.at!;
      assert.ok(
        start <= speech && start > speech - 1.5,
        `starts at ${start}, speech ends ${speech}`,
      );
      assert.ok(
        end >= speech + GAP.seconds && end < speech + GAP.seconds + 1,
        `ends at ${end}, the second interview starts at ${speech + GAP.seconds}`,
      );
      assert.match(finding!.message, /silence from 0:1\d to 0:3\d/);
      assert.equal(e.quality!.blocking, true);
    });

    it('finds clipping in the original', () => {
      const e = episodes.clipped!;
      assert.deepEqual(codes(e), ['clipping']);
      assert.ok(Number(e.quality!.findings[0]!.data!.percent) > 1);
      assert.equal(e.quality!.blocking, false, 'a warning by default');
    });

    it('folds a dead right channel to the left one, and says so', async () => {
      const e = episodes.deadRight!;
      assert.deepEqual(codes(e), ['dead-channel']);
      assert.equal(e.quality!.findings[0]!.data!.kept, 'left');
      assert.match(e.quality!.findings[0]!.message, /right channel is silent/);
      // The MP3: the voice on both sides, as loud on the right as on the left.
      const mp3 = e.renditions.find((r) => r.profile.startsWith('mp3'))!;
      const file = path.join(work, 'folded.mp3');
      await fs.writeFile(file, Buffer.from(await (await fetch(mp3.url)).arrayBuffer()));
      const left = await measureLoudness(file, 'pan=mono|c0=c0');
      const right = await measureLoudness(file, 'pan=mono|c0=c1');
      assert.ok(right.integrated > -30, `right channel at ${right.integrated} LUFS`);
      assert.ok(
        Math.abs(left.integrated - right.integrated) < 0.5,
        `${left.integrated} vs ${right.integrated}`,
      );
    });

    it('finds phase-cancelled stereo', () => {
      const e = episodes.inverted!;
      assert.deepEqual(codes(e), ['phase-cancelled']);
      assert.equal(e.quality!.findings[0]!.severity, 'blocking');
    });

    it('finds a 2 s recording too short', () => {
      const e = episodes.short!;
      assert.deepEqual(codes(e), ['too-short']);
      assert.ok(Math.abs(Number(e.quality!.findings[0]!.data!.seconds) - 2) < 0.2);
    });

    it('finds nothing in a clean interview, mono or stereo', () => {
      for (const name of ['clean', 'cleanStereo']) {
        const e = episodes[name]!;
        assert.equal(e.quality!.analysed, true);
        assert.deepEqual(e.quality!.findings, [], name);
      }
    });

    it('refuses to publish or schedule with a blocking finding, answering the report', async () => {
      const id = episodes.gap!.id;
      const refused = await publish(id, {});
      assert.equal(refused.status, 409);
      assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = (await refused.json()) as {
        type: string;
        detail: string;
        report: { blocking: boolean; findings: Finding[] };
      };
      assert.equal(problem.type, '/problems/quality-gate');
      assert.equal(problem.report.blocking, true);
      assert.deepEqual(
        problem.report.findings.map((f) => f.code),
        ['dead-air'],
      );
      assert.match(problem.detail, /override/);
      const later = new Date(Date.now() + 3_600_000).toISOString();
      assert.equal((await publish(episodes.inverted!.id, { at: later })).status, 409);
      assert.equal((await get(id)).state, 'ready', 'nothing changed');
      // A reason too short to say anything is a 400 naming the field.
      const vague = await publish(id, { override: { reason: 'ok' } });
      assert.equal(vague.status, 400);
      assert.equal(
        ((await vague.json()) as { errors: { field: string }[] }).errors[0]!.field,
        'override.reason',
      );
    });

    it('publishes with an override whose reason is stored and shown', async () => {
      const id = episodes.gap!.id;
      const reason = 'Minute de silence voulue : « hommage » aux victimes, validé par l’édition';
      const res = await publish(id, { override: { reason } });
      assert.equal(res.status, 200, await res.clone().text());
      const published = (await res.json()) as EpisodeBody;
      assert.equal(published.state, 'published');
      assert.equal(published.qualityOverrides.length, 1);
      const [override] = published.qualityOverrides;
      assert.equal(override!.reason, reason);
      assert.deepEqual(override!.findings, ['dead-air']);
      assert.equal(override!.by.kind, 'token');
      assert.ok(Math.abs(Date.parse(override!.at) - Date.now()) < 60_000);
      assert.deepEqual((await get(id)).qualityOverrides, published.qualityOverrides);

      // A clean episode needs no reason, and records none.
      const clean = await publish(episodes.clean!.id, {});
      assert.equal(clean.status, 200);
      assert.deepEqual(((await clean.json()) as EpisodeBody).qualityOverrides, []);

      // The studio page shows the report and the reason, in French too.
      const session = await signIn(app.baseUrl, ADMIN.email, ADMIN.password);
      const page = await fetch(`${app.baseUrl}/studio/episodes/${id}`, {
        headers: { cookie: `${session.cookie}; antenne_lang=fr` },
      });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<section id="quality"/);
      assert.match(html, /data-code="dead-air"/);
      assert.match(html, /2\d(,\d+)? s de silence de 0:1\d à 0:3\d/);
      assert.ok(html.includes('Publié malgré le rapport'), 'the overrides heading');
      assert.ok(
        html.includes(reason.replace(/’/g, '&#x2019;')) || html.includes(reason),
        'the reason, accents and quotes intact',
      );

      // The feed check names the published episode's finding.
      const check = (await (
        await app.authed(`/api/shows/${SHOW_INPUT.slug}/feed-check`)
      ).json()) as {
        problems: { severity: string; message: string }[];
      };
      assert.ok(
        check.problems.some(
          (p) => p.severity === 'warning' && /Quality report: .*silence/.test(p.message),
        ),
        JSON.stringify(check.problems),
      );
    });

    it('applies the show’s thresholds and severities, validated', async () => {
      const id = episodes.inverted!.id;
      const put = (body: unknown) =>
        app.authed(`/api/shows/${SHOW_INPUT.slug}/quality`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const bad = await put({ deadAirSeconds: -3, severities: { 'dead-air': 'fatal' } });
      assert.equal(bad.status, 400);
      const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map(
        (e) => e.field,
      );
      assert.ok(fields.includes('deadAirSeconds'), fields.join());
      const set = await put({
        severities: { 'phase-cancelled': 'warning' },
        minDurationSeconds: 1,
      });
      assert.equal(set.status, 200, await set.clone().text());
      const show = (await set.json()) as {
        quality: {
          severities: Record<string, string>;
          minDurationSeconds: number;
          deadAirSeconds: number;
        };
      };
      assert.equal(show.quality.severities['phase-cancelled'], 'warning');
      assert.equal(show.quality.deadAirSeconds, 10, 'the default where nothing was set');
      const after = await get(id);
      assert.equal(after.quality!.blocking, false);
      assert.deepEqual(codes(await get(episodes.short!.id)), [], 'a 2 s recording is fine now');
      assert.equal((await put({})).status, 200);
      assert.equal((await get(id)).quality!.blocking, true, 'back to the defaults');
    });

    it('reports on a correction’s new audio: cutting the gap out clears the dead air', async () => {
      const id = episodes.gap!.id;
      const gap = (await get(id)).quality!.findings.find((f) => f.code === 'dead-air')!.at!;
      const res = await app.authed(`/api/episodes/${id}/corrections`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          cuts: [{ start: gap.start + 0.5, end: gap.end - 0.5 }],
          reason: 'Le blanc de l’enregistrement',
          note: 'Un silence de vingt secondes a été retiré.',
        }),
      });
      assert.equal(res.status, 202, await res.clone().text());
      for (let i = 0; ; i++) {
        const { versions } = (await (await app.authed(`/api/episodes/${id}/versions`)).json()) as {
          versions: { number: number; state: string; failureReason: string | null }[];
        };
        const v2 = versions.find((v) => v.number === 2);
        assert.notEqual(v2?.state, 'failed', v2?.failureReason ?? '');
        if (v2?.state === 'live') break;
        assert.ok(i < 800, 'the correction is still processing');
        await new Promise((r) => setTimeout(r, 150));
      }
      const corrected = await get(id);
      assert.deepEqual(codes(corrected), []);
      assert.equal(corrected.quality!.blocking, false);
    });
  });
}
