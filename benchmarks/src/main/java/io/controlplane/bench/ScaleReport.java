package io.controlplane.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@link ScaleModel} run's figures: the run's setting, then per phase the hottest
 * partition (peak and mean entities/s), storage calls per second and per agent per minute, the top
 * five partitions, the lease-expiry index's reads, and what made the hottest second; last the
 * PASS/FAIL line against {@link ScaleModel#LIMIT}.
 */
final class ScaleReport {

    /** {@code Reconcile.EXPIRIES_PER_PASS} (package-private there). */
    private static final int EXPIRIES_PER_PASS = 500;

    private final PartitionTally tally;
    private final int agentCount;
    private final int tenantCount;
    private final double speed;
    private final boolean preemptionOnIntake;

    ScaleReport(PartitionTally tally, int agentCount, int tenantCount, double speed, boolean preemptionOnIntake) {
        this.tally = tally;
        this.agentCount = agentCount;
        this.tenantCount = tenantCount;
        this.speed = speed;
        this.preemptionOnIntake = preemptionOnIntake;
    }

    /**
     * @param maxLagMillis how far the run fell behind wall time at most
     * @return 0 when every checked phase's hottest partition stays within {@link ScaleModel#LIMIT}, else 1
     */
    int print(List<ScalePhase> phases, double realSeconds, long maxLagMillis, EventCounts events) {
        String region = ScaleModel.REGION;
        long limit = ScaleModel.LIMIT;
        System.out.printf("%n# Scale model: one region (%s), %,d agents, in-memory stores, simulated clock%n%n", region, agentCount);
        System.out.printf("machine: %d cores, Java %s; %.0f simulated s in %.0f real s (speed %s, max lag behind wall time %d ms)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), (double) phases.get(phases.size() - 1).to(),
                realSeconds, speed <= 0 ? "unpaced" : speed, maxLagMillis);
        System.out.printf("limit: %,d entities/s per partition (half of Azure Table Storage's 2,000)%n", limit);
        System.out.printf("agents: %,d in %s, 1 slot each, capabilities %s (%%: 45/30/15/10); %d tenants; defaults of DispatchSettings%n",
                agentCount, region, ScaleFleet.AGENT_KINDS, tenantCount);
        System.out.printf("host: intake handled at once and on delivery; preemption check after a Platinum/Premium intake: %s%n",
                preemptionOnIntake ? "yes (as ControlPlane.onIntake)" : "no (--preemption-on-intake false)");
        System.out.printf("events: %s%n", events);
        boolean within = true;
        List<String> over = new ArrayList<>();
        for (ScalePhase phase : phases) {
            List<PartitionTally.Load> loads = tally.loads(phase.from(), phase.to());
            long calls = tally.calls(phase.from(), phase.to());
            System.out.printf("%n## %s (simulated seconds %d-%d)%n%n", phase.name(), phase.from(), phase.to());
            if (loads.isEmpty()) {
                System.out.println("no storage calls");
                continue;
            }
            PartitionTally.Load hottest = loads.get(0);
            System.out.printf("| hottest partition | %s: peak %,d entities/s (second %d), mean %,.1f entities/s |%n",
                    hottest.partition(), hottest.peak(), hottest.peakSecond(), hottest.mean());
            System.out.printf("| storage calls | %,.1f calls/s mean, %,d peak; %,.2f per agent per minute%s |%n",
                    calls / (double) phase.seconds(), tally.peakCalls(phase.from(), phase.to()),
                    calls / (double) agentCount / (phase.seconds() / 60.0), phase.name().startsWith("idle") ? " (every agent idle)" : "");
            System.out.println();
            System.out.println("| partition | peak entities/s | mean entities/s |");
            System.out.println("|---|---:|---:|");
            for (PartitionTally.Load l : loads.subList(0, Math.min(5, loads.size()))) {
                System.out.printf("| %s | %,d | %,.1f |%n", l.partition(), l.peak(), l.mean());
            }
            long[] due = tally.explain(new PartitionTally.Partition(CountingStores.LEASES, region), phase.from(), phase.to()).entrySet()
                    .stream().filter(e -> e.getKey().endsWith(CountingStores.LEASES + ".due")).map(Map.Entry::getValue)
                    .reduce(new long[2], (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
            if (due[1] > 0) {
                System.out.printf("%nlease-expiry index: %d reconcile passes read %,d due entries, %,.0f a pass (at most %d a pass)%n",
                        due[1], due[0], due[0] / (double) due[1], EXPIRIES_PER_PASS);
            }
            System.out.printf("%nwhat touched %s in its peak second %d (entities, calls):%n", hottest.partition(), hottest.peakSecond());
            explain(tally.explain(hottest.partition(), hottest.peakSecond()), "  ");
            System.out.printf("what touched it over the phase (entities, calls):%n");
            explain(tally.explain(hottest.partition(), phase.from(), phase.to()), "  ");
            if (phase.checked()) {
                for (PartitionTally.Load l : loads) {
                    if (l.peak() > limit) {
                        if (l != hottest) {
                            System.out.printf("also above the limit: %s, in its peak second %d (entities, calls):%n", l.partition(),
                                    l.peakSecond());
                            explain(tally.explain(l.partition(), l.peakSecond()), "  ");
                        }
                        within = false;
                        over.add(String.format("%s: %s peak %,d entities/s", phase.name().split(":")[0], l.partition(), l.peak()));
                    }
                }
            }
        }
        System.out.println();
        if (within) {
            System.out.printf("scale model: PASS, every checked phase's hottest partition within %,d entities/s%n", limit);
            return 0;
        }
        System.out.printf("scale model: FAIL, above %,d entities/s: %s%n", limit, over);
        return 1;
    }

    private static void explain(Map<String, long[]> byOrigin, String indent) {
        byOrigin.entrySet().stream()
                .sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                .limit(8)
                .forEach(e -> System.out.printf("%s%,8d %,7d  %s%n", indent, e.getValue()[0], e.getValue()[1], e.getKey()));
    }
}
