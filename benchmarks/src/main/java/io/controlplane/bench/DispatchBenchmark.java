package io.controlplane.bench;

import io.controlplane.testing.Azurite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Dispatch figures from one run on a fresh in-memory Azurite: storage round trip, assignment
 * latency (job submitted → waiting agent holds the lease), lifecycle throughput with simulated
 * agents, storage requests per job, and claim latency with a short and a deep queue.
 * Run with scripts/benchmark.sh; results are kept in docs/benchmarks.md. This class chooses what
 * runs and prints the figures as they come; {@link DispatchMeasurements} takes them.
 */
public final class DispatchBenchmark {

    /** Agents that wait beside the measured one, able to take none of its jobs (a fleet present, idle). */
    private static final int IDLE_BYSTANDERS = 49;
    /** Jobs queued ahead of the measured ones that no agent may take (a capability nobody has). */
    private static final int UNTAKEABLE = 2000;

    private final Path work;
    private final RequestCounter counter = new RequestCounter();
    private final DispatchMeasurements measure = new DispatchMeasurements(counter);

    private DispatchBenchmark(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("LOG_LEVEL", "WARN");
        Map<String, String> opts = options(args);
        int samples = Integer.parseInt(opts.getOrDefault("samples", "200"));
        int jobs = Integer.parseInt(opts.getOrDefault("jobs", "1000"));
        int agents = Integer.parseInt(opts.getOrDefault("agents", "50"));
        int deep = Integer.parseInt(opts.getOrDefault("deep", "10000"));
        if ("scale".equals(opts.get("only"))) {
            System.exit(ScaleModel.run(opts)); // in memory: no Azurite
        }
        if ("fairness".equals(opts.get("only"))) {
            System.exit(FairShareBenchmark.run(opts)); // in memory: no Azurite
        }
        if ("events".equals(opts.get("only"))) {
            try {
                System.exit(EventsBenchmark.run(opts));
            } finally {
                Azurite.shared().close();
            }
        }
        DispatchBenchmark bench = new DispatchBenchmark(Files.createTempDirectory("cp-bench"));
        try {
            if ("mappings".equals(opts.get("only"))) {
                bench.header();
                bench.mappings();
            } else {
                // --only dispatch: assignment (empty queue and deep), throughput with requests per job, and preemption
                bench.run(samples, jobs, agents, deep, !"dispatch".equals(opts.get("only")));
            }
        } finally {
            Azurite.shared().close();
        }
        System.exit(0);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return opts;
    }

    private void header() {
        System.out.printf("# Dispatch benchmark%n%nmachine: %d cores, %d MiB max heap, Java %s, Azurite in memory (node)%n%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"));
    }

    private void run(int samples, int jobs, int agents, int deep, boolean full) throws Exception {
        header();
        Stats read = new Stats();
        Stats write = new Stats();
        measure.storageRoundTrip(samples, read, write);
        System.out.printf("| storage round trip, point read | %s |%n", read.summary());
        System.out.printf("| storage round trip, upsert | %s |%n", write.summary());

        double emptyP50;
        try (BenchInstance instance = new BenchInstance(work, counter, "lat")) {
            Stats assignment = new Stats();
            Stats submit = new Stats();
            Stats status = new Stats();
            measure.assignmentLatency(instance, samples, IDLE_BYSTANDERS, assignment, submit, status);
            emptyP50 = assignment.percentileMillis(50);
            System.out.printf("| assignment latency (submitted → waiting agent holds lease), %d idle agents also waiting | %s |%n",
                    IDLE_BYSTANDERS, assignment.summary());
            System.out.printf("| status read (GET /api/jobs/{id}), same run | %s |%n", status.summary());
            System.out.printf("| assignment p50 ÷ status-read p50, same run | %.2f |%n", emptyP50 / status.percentileMillis(50));
            System.out.printf("| submit request (POST /api/jobs round trip) | %s |%n", submit.summary());
        }

        try (BenchInstance instance = new BenchInstance(work, counter, "untk")) {
            measure.prefillUntakeable(instance, UNTAKEABLE);
            Stats assignment = new Stats();
            measure.assignmentLatency(instance, samples, IDLE_BYSTANDERS, assignment, new Stats(), new Stats());
            System.out.printf("| assignment latency with %,d queued jobs ahead that no agent may take | %s |%n", UNTAKEABLE,
                    assignment.summary());
            System.out.printf("| its p50 ÷ the empty-queue p50 | %.2f |%n", assignment.percentileMillis(50) / emptyP50);
        }

        try (BenchInstance instance = new BenchInstance(work, counter, "thr")) {
            long before = counter.total();
            measure.prefill(instance, jobs, false);
            double submitRequests = (counter.total() - before) / (double) jobs;
            counter.reset();
            long started = System.nanoTime();
            int done = measure.drain(instance, jobs, agents);
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Long> byKind = counter.snapshot();
            System.out.printf("| lifecycle throughput (%d queued jobs, %d agents, lease → progress → complete) | %.1f jobs/s (%d in %.1f s) |%n",
                    jobs, agents, done / seconds, done, seconds);
            System.out.printf("| storage requests per job: submit | %.2f |%n", submitRequests);
            System.out.printf("| storage requests per job: lease to complete, incl. idle polling | %.2f %s |%n",
                    counter.total() / (double) done, byKind);
            StringBuilder perTable = new StringBuilder();
            counter.tableSnapshot().forEach((k, v) -> perTable.append(String.format("%s %.2f; ", k, v / (double) done)));
            System.out.printf("| the same per job, by table | %s |%n", perTable.toString().trim());
        }

        try (BenchInstance instance = new BenchInstance(work, counter, "pre")) {
            Stats preemption = new Stats();
            measure.preemptionLatency(instance, Math.max(50, samples / 4), preemption);
            System.out.printf("| preemption latency (Platinum submitted → Platinum leased on the victim's agent, victim releasing at once) | %s |%n",
                    preemption.summary());
        }

        if (!full) {
            return;
        }
        mappings();

        for (int depth : new int[] {100, deep}) {
            try (BenchInstance instance = new BenchInstance(work, counter, "d" + depth)) {
                measure.prefill(instance, depth, false);
                Stats claim = new Stats();
                measure.claimLatency(instance, 50, claim);
                Stats head = measure.headQuery(instance, 50);
                System.out.printf("| claim latency with %,d jobs queued | %s |%n", depth, claim.summary());
                System.out.printf("| one raw head-of-tier range query (top 25) with %,d jobs queued, same Azurite | %s |%n",
                        depth, head.summary());
            }
        }

        ScaleModel.run(Map.of()); // prints its own section and PASS/FAIL line (--only scale exits with it)
    }


    /** The mapping figures alone ({@code --only mappings} runs just these). */
    private void mappings() throws Exception {
        try (BenchInstance instance = new BenchInstance(work, counter, "map")) {
            MappingIngest ingest = measure.mappingIngest(instance, 1000);
            System.out.printf("| mapping ingest, POST /api/leases/{id}/mappings (1,000 new pairs per call, both directions) | %.0f pairs/s (%.0f entities/s) |%n",
                    ingest.apiRate(), ingest.apiRate() * 2);
            System.out.printf("| naive one-entity-at-a-time inserts, same table service | %.0f pairs/s (%.0f entities/s) |%n",
                    ingest.naiveRate(), ingest.naiveRate() * 2);
            System.out.printf("| mapping ingest against naive inserts, same run | %.2f× |%n", ingest.apiRate() / ingest.naiveRate());
            System.out.printf("| storage transactions per 1,000 new pairs, mappings table | %.1f %s |%n",
                    ingest.mappingRequestsPerThousand(), ingest.mappingRequests());
            System.out.printf("| storage requests per 1,000 new pairs, every table (with the lease check, and any polling of the instance meanwhile) | %.1f %s |%n",
                    ingest.requestsPerThousand(), ingest.requests());
        }
    }
}
