import assert from 'node:assert/strict';
import {
  htmlToText,
  sanitizeSummary,
  sanitizeSummaryForPage,
  summaryText,
} from '../../src/core/sanitize.js';

describe('sanitize: one policy for the summary', () => {
  const dirty =
    '<p onclick="x()" style="color:red">Entretien <script>alert(1)</script><style>p{}</style><a href="javascript:x">lien</a> <a href="https://a.example/x" title="t">ok</a> <img src=x onerror=y><b>gras</b> <u>souligné</u></p>';

  it('keeps text-level markup and http(s) links, drops scripts, styles, handlers and other tags', () => {
    const clean = sanitizeSummary(dirty);
    assert.equal(
      clean,
      '<p>Entretien <a>lien</a> <a href="https://a.example/x">ok</a> <b>gras</b> souligné</p>',
    );
  });
  it('is the same policy on the page, where links open elsewhere without the opener', () => {
    assert.equal(
      sanitizeSummaryForPage(dirty),
      '<p>Entretien <a rel="noopener nofollow" target="_blank">lien</a> <a href="https://a.example/x" rel="noopener nofollow" target="_blank">ok</a> <b>gras</b> souligné</p>',
    );
    // Attributes a CMS might send on a link are not kept on the page either.
    assert.doesNotMatch(
      sanitizeSummaryForPage('<a href="https://a.example" target="_top" rel="opener">x</a>'),
      /_top|"opener"/,
    );
  });
  it('decodes entities once: the text "&lt;" stays "&lt;", not "<"', () => {
    assert.equal(htmlToText('<p>Écrire &amp;lt; en HTML</p>'), 'Écrire &lt; en HTML');
    assert.equal(summaryText('<p>Écrire &amp;lt; en HTML</p>'), 'Écrire &lt; en HTML');
    assert.equal(
      htmlToText('a &lt;b&gt; &quot;c&quot; &#39;d&#39; &eacute;&nbsp;f'),
      `a <b> "c" 'd' é f`,
    );
  });
  it('makes one line of text, cut with an ellipsis', () => {
    assert.equal(htmlToText('<p>Un</p>\n\n<p>deux   trois</p>'), 'Un deux trois');
    assert.equal(summaryText('<p>abcdef ghij</p>', 8), 'abcdef…');
    assert.equal(summaryText('<p>« L’entretien »</p>'), '« L’entretien »');
  });
});
