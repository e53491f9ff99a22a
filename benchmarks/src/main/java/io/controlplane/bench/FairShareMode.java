package io.controlplane.bench;

import java.util.Map;

/** One configuration a {@link FairShareBenchmark} replays its workload in: fair share on or off, and the tenants' weights. */
record FairShareMode(String name, boolean fairShare, Map<String, Integer> weights) {
}
