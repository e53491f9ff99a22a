package io.controlplane.bench;

import java.time.Duration;

/**
 * One job of a {@link FairShareWorkload}: whose, when it is submitted (from the start), where it
 * migrates (an organisation's account name on dev.azure.com), how long it runs.
 */
record PlannedJob(int number, String tenant, Duration at, String organisation, Duration length) {
}
