package io.controlplane.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The mixed workload a {@link FairShareBenchmark} replays: three Standard tenants; A submits a burst
 * of {@code burstA} jobs ({@value #BURST_RATE} a second from the start), B a smaller one of
 * {@code burstB} a minute later, C a trickle of {@code trickleC} jobs, one every {@code every}
 * seconds from second 30. Each job migrates a project within one of four Azure DevOps
 * organisations (40/30/20/10 % of the jobs) and runs 30–120 s, all drawn from one {@link Random}
 * seeded with {@code seed}, so every configuration replays the same jobs.
 */
record FairShareWorkload(int burstA, int burstB, int trickleC, int every, long seed) {

    static final List<String> TENANTS = List.of("tenant-a", "tenant-b", "tenant-c");
    /** The organisations' account names on dev.azure.com, and each one's share of the jobs (%). */
    static final List<String> ORGANISATIONS = List.of("contoso", "fabrikam", "adventure-works", "northwind");
    static final int[] ORGANISATION_SHARE = {40, 30, 20, 10};
    /** Submissions per second of a burst. */
    static final int BURST_RATE = 10;
    static final int B_STARTS_AT = 60;
    static final int C_STARTS_AT = 30;

    /** The workload, in submission order (the tenants' arrivals merged by time). */
    List<PlannedJob> plan() {
        List<Map.Entry<Duration, String>> arrivals = new ArrayList<>();
        for (int i = 0; i < burstA; i++) {
            arrivals.add(Map.entry(Duration.ofMillis(1000L * i / BURST_RATE), TENANTS.get(0)));
        }
        for (int i = 0; i < burstB; i++) {
            arrivals.add(Map.entry(Duration.ofSeconds(B_STARTS_AT).plusMillis(1000L * i / BURST_RATE), TENANTS.get(1)));
        }
        for (int i = 0; i < trickleC; i++) {
            arrivals.add(Map.entry(Duration.ofSeconds(C_STARTS_AT + (long) every * i), TENANTS.get(2)));
        }
        arrivals.sort(Map.Entry.comparingByKey()); // stable: arrivals at the same time stay in tenant order
        Random random = new Random(seed);
        List<PlannedJob> plan = new ArrayList<>();
        for (Map.Entry<Duration, String> arrival : arrivals) {
            plan.add(new PlannedJob(plan.size(), arrival.getValue(), arrival.getKey(),
                    Shares.pick(ORGANISATIONS, ORGANISATION_SHARE, random.nextInt(100)), Duration.ofSeconds(30 + random.nextInt(91))));
        }
        return plan;
    }
}
