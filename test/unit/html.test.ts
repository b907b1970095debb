import assert from 'node:assert/strict';
import { attributes, html, raw, SafeHtml } from '../../src/http/html.js';
import { STUDIO_STRINGS } from '../../src/http/i18n/studio.js';
import { field, layout, type PageContext } from '../../studio/pages/layout.js';
import { showPage } from '../../studio/pages/shows.js';
import { usersPage } from '../../studio/pages/users.js';

const XSS = `<script>alert("x")</script>`;
const ctx = (over: Partial<PageContext> = {}): PageContext => ({
  lang: 'fr',
  t: STUDIO_STRINGS.fr,
  user: { name: XSS, role: 'admin' },
  csrfToken: 'tok"en',
  assets: { js: '/studio/assets/s.js', css: '/studio/assets/s.css' },
  path: '/studio/shows?a=1&b=2',
  ...over,
});

describe('html: templates escape by default', () => {
  it('keeps French typography as written: « guillemets » and the ’ apostrophe', () => {
    assert.equal(html`<p>${'« L’entretien »'}</p>`.value, '<p>« L’entretien »</p>');
  });
  it('escapes markup and both quote characters, in text and in attributes', () => {
    assert.equal(
      html`<p>${XSS}</p>`.value,
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
    // prettier-ignore
    const link = html`<a title="${`il a dit "non" & l'a écrit`}" data-x='${"'"}'>`;
    assert.equal(
      link.value,
      '<a title="il a dit &quot;non&quot; &amp; l&#39;a écrit" data-x=\'&#39;\'>',
    );
  });
  it('does not escape a nested template twice', () => {
    const inner = html`<b>${'a & b'}</b>`;
    assert.equal(html`<p>${inner}</p>`.value, '<p><b>a &amp; b</b></p>');
    assert.equal(html`${html`${html`${'<'}`}`}`.value, '&lt;');
  });
  it('joins arrays, renders nothing for null, undefined and false, and passes raw() as is', () => {
    // prettier-ignore
    const list = html`<ul>${['<1>', 2].map((v) => html`<li>${v}</li>`)}</ul>${null}${undefined}${false}`;
    assert.equal(list.value, '<ul><li>&lt;1&gt;</li><li>2</li></ul>');
    assert.equal(html`${0}`.value, '0');
    assert.equal(html`${raw('<i>trusted</i>')}`.value, '<i>trusted</i>');
    assert.ok(html`x` instanceof SafeHtml);
  });
  it('writes attribute lists escaped, bare for true, and refuses a name that is not one', () => {
    assert.equal(
      attributes({ pattern: '[a-z"]+', required: true, hidden: false, min: 0, step: null }).value,
      ' pattern="[a-z&quot;]+" required min="0"',
    );
    assert.throws(() => attributes({ 'onclick="x" a': 'y' }), /Not an attribute name/);
  });
});

describe('html: studio pages', () => {
  it('escapes a labelled field’s value, label, hint and options', () => {
    const out = field('title', 'Titre « court »', {
      value: `"><script>x</script>`,
      hint: '<b>hint</b>',
      attrs: { pattern: '"' },
    }).value;
    assert.ok(out.includes('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"'), out);
    assert.ok(out.includes('<label for="f-title">Titre « court »</label>'));
    assert.ok(out.includes('&lt;b&gt;hint&lt;/b&gt;'));
    assert.ok(out.includes('pattern="&quot;"'));
    const select = field('type', 'Type', {
      type: 'select',
      value: 'b',
      options: [
        { value: 'a"', label: '<A>' },
        { value: 'b', label: 'B' },
      ],
    }).value;
    assert.ok(
      select.includes(
        '<option value="a&quot;">&lt;A&gt;</option><option value="b" selected>B</option>',
      ),
    );
  });
  it('escapes the layout’s user, token and language-switch link, and the strings script', () => {
    const out = layout(ctx(), 'p"age', 'Titre <i>', html`<p>corps</p>`).value;
    assert.ok(!out.includes(XSS));
    assert.ok(out.includes('<span class="who">&lt;script&gt;'));
    assert.ok(out.includes('content="tok&quot;en"'));
    assert.ok(out.includes('data-page="p&quot;age"'));
    assert.ok(out.includes('<h1>Titre &lt;i&gt;</h1>'));
    assert.ok(out.includes('<p>corps</p>'));
    assert.ok(out.includes('href="/studio/lang/en?next=%2Fstudio%2Fshows%3Fa%3D1%26b%3D2"'));
    const strings = /<script type="application\/json" id="strings">(.*?)<\/script>/s.exec(out)?.[1];
    assert.deepEqual(JSON.parse(strings ?? ''), STUDIO_STRINGS.fr);
  });
  it('escapes every episode row and the users list', () => {
    const show = showPage(ctx(), { slug: 's', title: XSS, feedUrl: 'https://x/"f' }, [
      {
        id: 'e1',
        title: XSS,
        state: 'ready',
        durationSeconds: 61,
        publishedAt: null,
        loudness: null,
      },
    ]).value;
    assert.ok(!show.includes('<script>alert'));
    assert.ok(show.includes('href="https://x/&quot;f"'));
    const users = usersPage(
      ctx(),
      [
        {
          id: 'u1',
          email: 'a@b.c',
          name: `L’équipe "${XSS}"`,
          role: 'editor',
          disabled: true,
          createdAt: '2026-01-01T00:00:00.000Z',
          activeSessions: 2,
          liveApiTokens: 0,
        },
      ],
      'u1',
    ).value;
    assert.ok(!users.includes('<script>alert'));
    assert.ok(users.includes('aria-label="Réactiver — L’équipe &quot;&lt;script&gt;'));
    assert.ok(users.includes('data-disabled="true"'));
  });
});
