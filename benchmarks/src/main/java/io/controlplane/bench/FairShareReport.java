package io.controlplane.bench;

import static io.controlplane.bench.FairShareWorkload.BURST_RATE;
import static io.controlplane.bench.FairShareWorkload.B_STARTS_AT;
import static io.controlplane.bench.FairShareWorkload.C_STARTS_AT;
import static io.controlplane.bench.FairShareWorkload.ORGANISATIONS;
import static io.controlplane.bench.FairShareWorkload.ORGANISATION_SHARE;
import static io.controlplane.bench.FairShareWorkload.TENANTS;

import io.controlplane.config.DispatchSettings;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@link FairShareBenchmark}'s figures: the run and its workload, each fair-share
 * configuration's waits per tenant (p50 and p99) beside those with fair share off, each
 * configuration's makespan, longest wait and suspect counts, and whether any wait reached the aging step.
 */
final class FairShareReport {

    private FairShareReport() {
    }

    /**
     * @param results the configurations' results, the first with fair share off
     * @param agentCount the fleet's agents (one slot each)
     */
    static void print(FairShareWorkload workload, List<PlannedJob> plan, List<FairShareResult> results, int agentCount,
                      double realSeconds) {
        Map<String, Long> jobs = new LinkedHashMap<>();
        TENANTS.forEach(t -> jobs.put(t, plan.stream().filter(p -> p.tenant().equals(t)).count()));
        System.out.printf("%n# Fair share between tenants: wait from submission to first lease (simulated time)%n%n");
        System.out.printf("commit %s; %d cores, Java %s; %d configurations in %.1f real s (in-memory stores, simulated clock)%n",
                GitHead.commit(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), results.size(),
                realSeconds);
        System.out.printf("workload (seed %d): Standard tier, one region; %s %d jobs from second 0 (%d/s), %s %d jobs from second %d "
                        + "(%d/s), %s %d jobs one every %d s from second %d; jobs of 30-120 s, over %s (%s %%), %s limited to %d; "
                        + "%d agents x 1 slot; other settings DispatchSettings defaults%n",
                workload.seed(), TENANTS.get(0), workload.burstA(), BURST_RATE, TENANTS.get(1), workload.burstB(), B_STARTS_AT,
                BURST_RATE, TENANTS.get(2), workload.trickleC(), workload.every(), C_STARTS_AT, ORGANISATIONS,
                Arrays.toString(ORGANISATION_SHARE), FairShareBenchmark.LIMITED, FairShareBenchmark.LIMIT, agentCount);
        FairShareResult off = results.get(0);
        for (FairShareResult on : results.subList(1, results.size())) {
            System.out.printf("%n## %s against %s%n%n", on.mode().name(), off.mode().name());
            System.out.printf("| tenant | jobs | off p50 | off p99 | on p50 | on p99 | p50 on/off | p99 on/off |%n");
            System.out.printf("|---|---:|---:|---:|---:|---:|---:|---:|%n");
            for (String t : TENANTS) {
                Stats o = off.waits().get(t);
                Stats n = on.waits().get(t);
                System.out.printf("| %s (weight %d) | %d | %s | %s | %s | %s | %s | %s |%n", t, on.mode().weights().get(t), jobs.get(t),
                        seconds(o, 50), seconds(o, 99), seconds(n, 50), seconds(n, 99), ratio(n, o, 50), ratio(n, o, 99));
            }
        }
        System.out.printf("%n| configuration | makespan (first submission to last completion) | longest wait | jobs completed "
                + "| leased again | stop commands |%n");
        System.out.printf("|---|---:|---:|---:|---:|---:|%n");
        double longestOfAll = 0;
        for (FairShareResult r : results) {
            double longest = r.waits().values().stream().mapToDouble(w -> w.percentileMillis(100)).max().orElse(0) / 1000;
            longestOfAll = Math.max(longestOfAll, longest);
            System.out.printf("| %s | %d s | %.1f s | %d / %d | %d | %d |%n", r.mode().name(), r.makespan().toSeconds(), longest,
                    r.completed(), plan.size(), r.leasedAgain(), r.commands());
        }
        long aging = DispatchSettings.defaults().agingStep().toSeconds();
        System.out.printf(longestOfAll < aging
                ? "%nevery wait under AGING_STEP_SECONDS (%d s): no job was aged into a higher effective tier%n"
                : "%nsome waits reached AGING_STEP_SECONDS (%d s): those jobs were aged into a higher effective tier, ahead of "
                        + "fair share%n", aging);
    }

    private static String seconds(Stats s, double p) {
        return String.format("%.1f s", s.percentileMillis(p) / 1000);
    }

    private static String ratio(Stats on, Stats off, double p) {
        double base = off.percentileMillis(p);
        return base > 0 ? String.format("%.3f", on.percentileMillis(p) / base) : "-";
    }
}
