package io.controlplane.simulator;

import java.time.Instant;

/**
 * The control plane's answer to a throttle report, {@code { organisation, until, allowedJobs, remaining }}:
 * the organisation's throttle after the report.
 *
 * @param until       no new job against the organisation starts before this; the reporting agent
 *                    makes no requests to it before then either
 * @param allowedJobs the jobs allowed to run against it now (0 while it backs off); null when it limits nothing
 * @param remaining   its last reported {@code X-RateLimit-Remaining}; null when none was reported
 */
public record ThrottleOutcome(String organisation, Instant until, Integer allowedJobs, Integer remaining) {
}
