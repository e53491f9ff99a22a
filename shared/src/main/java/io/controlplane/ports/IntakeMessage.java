package io.controlplane.ports;

import io.controlplane.domain.Tier;

/**
 * "This job is ready for dispatch": published after a job is stored (or requeued) on its tier's
 * intake queue, in its region's session. Carries ids only, never the spec.
 */
public record IntakeMessage(String region, Tier tier, String tenantId, String jobId) {
}
