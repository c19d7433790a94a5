/**
 * A tiny browser for HTTP-level page tests: keeps cookies, never follows redirects (tests look at
 * them), and reads forms' hidden fields back out of the HTML.
 */
export class HttpSession {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    /** Extra headers on every request (e.g. X-Forwarded-Proto for a production test behind a proxy). */
    readonly headers: Record<string, string> = {},
  ) {}

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers, ...(init.headers ?? {}) };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let body = init.body;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(this.baseUrl + path, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute) || /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** GET a page and return its HTML. */
  async page(path: string): Promise<{ response: Response; html: string }> {
    const response = await this.request(path);
    return { response, html: await response.text() };
  }

  /** Logs in through the form; returns the response to the credentials POST. */
  async login(login: string, password: string, extra: Record<string, string> = {}): Promise<Response> {
    const { html } = await this.page('/wp-login.php');
    return this.request('/wp-login.php', { form: { ...hiddenFields(html), log: login, pwd: password, ...extra } });
  }
}

export function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The hidden inputs of the first form (or of the form whose action contains `actionPart`). */
export function hiddenFields(html: string, actionPart?: string): Record<string, string> {
  const forms = [...html.matchAll(/<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((match) => actionPart === undefined || unescapeHtml(match[1]).includes(actionPart)) ?? forms[0];
  const fields: Record<string, string> = {};
  if (!form) return fields;
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescapeHtml(input[1])] = unescapeHtml(input[2]);
  return fields;
}

/** All forms' hidden fields, keyed by their `action` field (profile forms). */
export function formsByAction(html: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const form of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)) {
    const fields: Record<string, string> = {};
    for (const input of form[1].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescapeHtml(input[1])] = unescapeHtml(input[2]);
    if (fields.action) out[fields.action] = fields;
  }
  return out;
}
