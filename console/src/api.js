// The public REST API (docs/openapi.yaml), with the signed-in user's bearer token.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** The problem's slug: urn:controlplane:problem:invalid-state → invalid-state. */
  get slug() {
    return String(this.problem.type || '').split(':').pop();
  }
}

export class Api {
  /** base: the API's origin ('' for the console's own); auth: { token(): Promise<string>, onUnauthenticated() }. */
  constructor(base, auth) {
    this.base = base || '';
    this.auth = auth;
  }

  url(path) {
    return this.base + path;
  }

  async headers(extra = {}) {
    const token = await this.auth.token();
    return { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
  }

  /** The status a GET answers with this token (not the signed-in one): 200, 401, 403... */
  async statusWith(token, path) {
    const r = await fetch(this.url(path), { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` }, cache: 'no-store' });
    let problem = null;
    try { problem = r.ok ? null : await r.json(); } catch { problem = null; }
    return { status: r.status, problem };
  }

  async request(method, path, body) {
    const headers = await this.headers(body === undefined ? {} : { 'Content-Type': 'application/json' });
    const response = await fetch(this.url(path), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
    const text = await response.text();
    let json = null;
    if (text) {
      try { json = JSON.parse(text); } catch { json = null; }
    }
    if (!response.ok) {
      if (response.status === 401) this.auth.onUnauthenticated?.();
      throw new ApiError(response.status, json);
    }
    return json;
  }

  get(path) { return this.request('GET', path); }
  post(path, body) { return this.request('POST', path, body); }

  /** Every page of a listing that pages with continuationToken, up to max items. */
  async all(path, max = 1000) {
    const items = [];
    let token = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.get(token ? `${path}${sep}continuationToken=${encodeURIComponent(token)}` : path);
      items.push(...page.items);
      token = page.continuationToken;
    } while (token && items.length < max);
    return { items, truncated: Boolean(token) };
  }
}
