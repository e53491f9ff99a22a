import test from 'node:test';
import assert from 'node:assert/strict';
import {
  EtaEstimator, allowedActions, clampPercent, etaRange, etaText, formatAgo, formatDuration, jobsHash, jwtClaims, parseRoute, rolesOf,
} from '../src/format.js';

test('durations read like the CLI', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(41_200), '42s');
  assert.equal(formatDuration(185_000), '3m05s');
  assert.equal(formatDuration(3_720_000), '1h02m');
  assert.equal(formatDuration(2 * 86_400_000 + 3 * 3_600_000), '2d03h');
  assert.equal(formatDuration(null), '');
});

test('ago and ahead', () => {
  const now = Date.parse('2026-12-02T14:00:00Z');
  assert.equal(formatAgo('2026-12-02T13:59:55Z', now), '5s ago');
  assert.equal(formatAgo('2026-12-02T14:00:30Z', now), 'in 30s');
  assert.equal(formatAgo(null, now), '');
});

test('percent is clamped to 0..100 with one decimal', () => {
  assert.equal(clampPercent(42.456), 42.5);
  assert.equal(clampPercent(-3), 0);
  assert.equal(clampPercent(130), 100);
  assert.equal(clampPercent('x'), 0);
});

test('actions follow the API rules', () => {
  assert.deepEqual(allowedActions('Running'), { pause: true, resume: false, cancel: true });
  assert.deepEqual(allowedActions('Paused'), { pause: false, resume: true, cancel: true });
  assert.deepEqual(allowedActions('Pausing'), { pause: false, resume: false, cancel: true });
  assert.deepEqual(allowedActions('Completed'), { pause: false, resume: false, cancel: false });
});

test('the ETA estimator extrapolates the recent rate and starts afresh when the percent goes down', () => {
  const e = new EtaEstimator();
  assert.equal(e.remainingMs(), null);
  e.add(0, 10);
  e.add(10_000, 20); // 1 % a second: 80 s to go
  assert.equal(e.remainingMs(), 80_000);
  e.add(5_000, 30); // out of order: starts afresh
  assert.equal(e.remainingMs(), null);
  e.add(6_000, 30);
  assert.equal(e.remainingMs(), null, 'no growth, no estimate');
});

test('the server ETA wins; a finished job has none; a queued job has no client estimate', () => {
  const now = Date.parse('2026-12-02T14:00:00Z');
  const e = new EtaEstimator();
  e.add(now - 10_000, 10);
  e.add(now, 20);
  assert.equal(etaText({ state: 'Running', progress: {} }, e, { at: '2026-12-02T14:01:00Z' }, now), '1m00s');
  assert.equal(etaText({ state: 'Running', progress: { etaSeconds: 42 } }, e, null, now), '42s');
  assert.equal(etaText({ state: 'Running', progress: {} }, e, null, now), '1m20s');
  assert.equal(etaText({ state: 'Queued', progress: {} }, e, null, now), '');
  assert.equal(etaText({ state: 'Completed', progress: { etaSeconds: 5 } }, e, null, now), '');
});

test("the API's estimate: progress-rate, a queued job's start, a stalled job's earliest finish", () => {
  const now = Date.parse('2026-12-02T14:00:00Z');
  const running = { state: 'Running', progress: { eta: { at: '2026-12-02T14:02:00Z', low: '2026-12-02T14:01:30Z', high: '2026-12-02T14:03:00Z', basis: 'progress-rate' } } };
  assert.equal(etaText(running, null, null, now), '2m00s');
  assert.equal(etaRange(running.progress.eta, now), 'between 1m30s and 3m00s');
  const queued = { state: 'Queued', progress: { eta: { at: '2026-12-02T14:00:45Z', low: '2026-12-02T14:00:30Z', high: '2026-12-02T14:01:00Z', basis: 'queue-position' } } };
  assert.equal(etaText(queued, null, null, now), 'starts in ~45s');
  const stalled = { state: 'Running', progress: { eta: { low: '2026-12-02T14:10:00Z', basis: 'stalled' } } };
  assert.equal(etaText(stalled, null, null, now), 'stalled (≥ 10m00s)');
  assert.equal(etaRange(stalled.progress.eta, now), '');
});

test('routes live in the fragment', () => {
  assert.deepEqual(parseRoute(''), { page: 'jobs', query: {} });
  assert.deepEqual(parseRoute('#/jobs?state=Running&tier=Premium'), { page: 'jobs', query: { state: 'Running', tier: 'Premium' } });
  assert.deepEqual(parseRoute('#/jobs/01abc'), { page: 'job', id: '01abc', query: {} });
  assert.deepEqual(parseRoute('#/agents'), { page: 'agents', query: {} });
  assert.equal(parseRoute('#/nope/x/y').page, 'not-found');
  assert.equal(jobsHash({ state: 'Queued', tier: '', region: 'westeurope' }), '#/jobs?state=Queued&region=westeurope');
  assert.equal(jobsHash({}), '#/jobs');
});

test('JWT claims are read (not verified) for the roles; anything else is no token', () => {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${part({ alg: 'RS256' })}.${part({ tid: 'contoso', roles: ['Jobs.Read', 'ControlPlane.Admin'], name: 'Zoë' })}.sig`;
  const claims = jwtClaims(token);
  assert.equal(claims.tid, 'contoso');
  assert.equal(claims.name, 'Zoë');
  assert.deepEqual(rolesOf(claims), ['Jobs.Read', 'ControlPlane.Admin']);
  assert.equal(jwtClaims('not a token'), null);
  assert.equal(jwtClaims('a.b.c'), null);
  assert.deepEqual(rolesOf(null), []);
});
