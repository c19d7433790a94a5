/**
 * The pages' one stylesheet and one script, served from this origin so the CSP can forbid inline code.
 * Kept as strings in the build (no asset-copy step). The script only enhances: every page works without it.
 */
export const UI_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2327;background:#f0f0f1}
a{color:#2271b1}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:2}
header.site{background:#1d2327;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header.site a,header.site button{color:#fff}
header.site .site-name{font-weight:600;margin-right:auto}
header.site form{margin:0}
main{max-width:760px;margin:24px auto;padding:0 16px}
.card{background:#fff;border:1px solid #c3c4c7;border-radius:4px;padding:16px 20px;margin:0 0 20px}
.narrow{max-width:380px;margin-left:auto;margin-right:auto}
label{display:block;font-weight:600;margin:12px 0 4px}
label.inline{display:inline;font-weight:400}
input[type=text],input[type=password],input[type=email]{width:100%;padding:8px;font-size:16px;border:1px solid #8c8f94;border-radius:4px}
input.code{font-family:ui-monospace,Menlo,Consolas,monospace}
button,.button{display:inline-block;font-size:15px;padding:7px 14px;margin:12px 8px 0 0;border-radius:4px;border:1px solid #2271b1;background:#f6f7f7;color:#2271b1;cursor:pointer;text-decoration:none}
button.primary{background:#2271b1;color:#fff}
button.danger{border-color:#b32d2e;color:#b32d2e}
button.link{border:none;background:none;padding:0;margin:0;text-decoration:underline}
:focus-visible{outline:3px solid #72aee6;outline-offset:2px}
.notice{border-left:4px solid #72aee6;background:#fff;padding:8px 12px;margin:0 0 16px}
.notice-error{border-left-color:#d63638}.notice-success{border-left-color:#00a32a}.notice-warning{border-left-color:#dba617}
.description{color:#50575e;font-size:14px;margin:4px 0}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #dcdcde;vertical-align:top}
code{word-break:break-all}
.qr img{display:block;margin:8px 0}
.codes{columns:2;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:16px}
`;

export const UI_JS = `(function () {
  'use strict';
  // Copy buttons: <button data-copy="id-of-input">. Announced through the page's live region.
  function announce(text) {
    var region = document.getElementById('live-region');
    if (region) { region.textContent = ''; region.textContent = text; }
  }
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var input = document.getElementById(button.getAttribute('data-copy'));
      if (!input) return;
      var done = function () { announce('Copied to the clipboard.'); button.textContent = 'Copied'; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
      } else {
        input.select();
        try { if (document.execCommand('copy')) done(); } catch (e) { /* the text stays selected for a manual copy */ }
      }
    });
  });
  // A form submitted once stays submitted: a double click must not create two passwords.
  document.querySelectorAll('form[data-once]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (form.getAttribute('data-submitted')) { event.preventDefault(); return; }
      form.setAttribute('data-submitted', '1');
    });
  });
})();
`;
