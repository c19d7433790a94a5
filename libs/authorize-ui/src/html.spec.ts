import { escapeHtml, html } from './html';

describe('html', () => {
  it('escapes every interpolated string, in text and in double-quoted attributes', () => {
    const evil = `"><script>alert('x')</script>&`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(`<p title="${escapeHtml(evil)}">${escapeHtml(evil)}</p>`);
    expect(escapeHtml(evil)).toBe('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;');
  });

  it('keeps nested fragments, lists and drops null/false', () => {
    expect(html`<ul>${['a', '<b>'].map((item) => html`<li>${item}</li>`)}</ul>${null}${false}`.value).toBe('<ul><li>a</li><li>&lt;b&gt;</li></ul>');
  });
});
