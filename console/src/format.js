// Pure helpers: formatting, ETA estimation, job state facts, the page routes. Unit-tested (console/test).

export const STATES = ['Queued', 'Assigned', 'Running', 'Preempting', 'Pausing', 'Paused', 'Completed', 'Failed', 'Cancelled'];
export const TIERS = ['Platinum', 'Premium', 'Standard'];
export const FINAL_STATES = new Set(['Completed', 'Failed', 'Cancelled']);

/** Which operations a job's state allows (the API's rules, docs/openapi.yaml). */
export function allowedActions(state) {
  return {
    pause: state === 'Queued' || state === 'Assigned' || state === 'Running',
    resume: state === 'Paused',
    cancel: !FINAL_STATES.has(state),
  };
}

/** 42s, 3m05s, 1h02m, 2d03h. */
export function formatDuration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '';
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** "5s ago", "3m04s ago", or "in 12s" for a time ahead; '' for none. */
export function formatAgo(iso, now = Date.now()) {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return t > now + 1000 ? `in ${formatDuration(t - now)}` : `${formatDuration(now - t)} ago`;
}

/** 2026-12-02 14:03:09 (UTC), for tables and the timeline. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

/** A percent for a progress bar: a number in 0..100, one decimal. */
export function clampPercent(p) {
  const n = Number(p);
  if (!Number.isFinite(n)) return 0;
  return Math.round(Math.min(100, Math.max(0, n)) * 10) / 10;
}

/**
 * The time a job still needs, from how fast its percent grew over the last two minutes (samples
 * are { at: ms, percent }). A percent that goes down (a job resumed from an earlier checkpoint)
 * starts afresh. Mirrors the CLI's EtaEstimator.
 */
export class EtaEstimator {
  constructor(windowMs = 120_000) {
    this.windowMs = windowMs;
    this.samples = [];
  }

  add(at, percent) {
    const newest = this.samples[this.samples.length - 1];
    if (newest && (percent < newest.percent || at < newest.at)) {
      this.samples = [];
    } else if (newest && at <= newest.at) {
      return;
    }
    this.samples.push({ at, percent });
    while (this.samples.length > 2 && this.samples[0].at < at - this.windowMs) this.samples.shift();
  }

  /** Milliseconds still needed, or null until the percent has grown between two samples. */
  remainingMs() {
    if (this.samples.length < 2) return null;
    const oldest = this.samples[0];
    const newest = this.samples[this.samples.length - 1];
    const grown = newest.percent - oldest.percent;
    const ms = newest.at - oldest.at;
    if (grown <= 0 || ms <= 0) return null;
    return Math.round(Math.max(0, 100 - newest.percent) / (grown / ms));
  }
}

/**
 * The ETA to show for a job: the API's (`progress.eta`, or an event's `eta`: { at, low, high, basis }),
 * else the client's estimate from the progress it saw; '' for a finished job or none known.
 * A queued job's estimate is when it starts; a stalled one's only the earliest it could finish.
 */
export function etaText(job, estimator, serverEta, now = Date.now()) {
  if (!job || FINAL_STATES.has(job.state)) return '';
  const eta = serverEta || job.progress?.eta;
  if (eta?.basis === 'stalled') {
    const low = Date.parse(eta.low);
    return Number.isNaN(low) ? 'stalled' : `stalled (≥ ${formatDuration(Math.max(0, low - now))})`;
  }
  if (eta?.at) {
    const at = Date.parse(eta.at);
    if (!Number.isNaN(at)) {
      const d = formatDuration(Math.max(0, at - now));
      return eta.basis === 'queue-position' ? `starts in ~${d}` : d;
    }
  }
  const seconds = job.progress?.etaSeconds;
  if (typeof seconds === 'number' && Number.isFinite(seconds)) return formatDuration(seconds * 1000);
  if (job.state !== 'Running') return '';
  const ms = estimator?.remainingMs();
  return ms == null ? '' : formatDuration(ms);
}

/** The range of an API estimate, for a tooltip: "between 1m10s and 2m05s", or ''. */
export function etaRange(eta, now = Date.now()) {
  if (!eta?.low || !eta?.high) return '';
  const low = Date.parse(eta.low);
  const high = Date.parse(eta.high);
  if (Number.isNaN(low) || Number.isNaN(high)) return '';
  return `between ${formatDuration(Math.max(0, low - now))} and ${formatDuration(Math.max(0, high - now))}`;
}

/** The page a location hash names: #/jobs?state=Running, #/jobs/{id}, #/queues, #/agents. */
export function parseRoute(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/jobs';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)));
  const parts = path.split('/').filter(Boolean).map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  if (parts.length === 0 || (parts[0] === 'jobs' && parts.length === 1)) return { page: 'jobs', query };
  if (parts[0] === 'jobs' && parts.length === 2) return { page: 'job', id: parts[1], query };
  if (parts.length === 1 && ['queues', 'agents'].includes(parts[0])) return { page: parts[0], query };
  return { page: 'not-found', query };
}

/** The hash of the jobs page with these filters (empty ones left out). */
export function jobsHash(filters = {}) {
  const q = new URLSearchParams();
  for (const key of ['state', 'tier', 'region']) if (filters[key]) q.set(key, filters[key]);
  const s = q.toString();
  return `#/jobs${s ? `?${s}` : ''}`;
}

/** The claims of a JWT (not verified: the API does that), or null when it is not one. */
export function jwtClaims(token) {
  const parts = String(token || '').trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const json = typeof atob === 'function' ? atob(padded) : Buffer.from(padded, 'base64').toString('binary');
    const claims = JSON.parse(decodeURIComponent(escape(json)));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/** The roles a token's claims grant (the `roles` claim, as Entra ID and the dev issuer write it). */
export function rolesOf(claims) {
  const r = claims?.roles;
  return Array.isArray(r) ? r.map(String) : typeof r === 'string' ? r.split(/[ ,]/).filter(Boolean) : [];
}
