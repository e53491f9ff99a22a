package io.controlplane.telemetry;

import static io.controlplane.telemetry.TelemetryAttributes.tierAndRegion;

import io.controlplane.domain.Job;
import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.scheduling.QueueDepthSeries;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The control plane's instruments, recorded in domain terms ({@code jobCompleted(job)}), so use cases
 * never deal with instrument names or attributes. Dimensions are bounded: tier, region, HTTP route
 * and status; never a job, tenant or agent id (those are on spans).
 *
 * <p>Queue depth and oldest age are observable gauges read from the last depths a reconcile pass
 * (or an operator's queue view) computed: collecting metrics never scans storage. The age is
 * recomputed at each collection from the oldest submission time, so it grows between passes. A
 * reading older than {@link #QUEUE_READING_MAX_AGE} is no longer reported: an instance that stopped
 * running the pass (Functions runs the timer on one instance of many) must not report a stale
 * queue, whose oldest age would grow for ever.
 *
 * <p>The same readings, one a minute at most, are kept for an hour per region and tier
 * ({@link #queueSeries}): the queue chart's series, at no storage request of its own.
 */
public final class ControlPlaneMetrics {

    public static final String JOBS_SUBMITTED = "controlplane.jobs.submitted";
    public static final String JOBS_COMPLETED = "controlplane.jobs.completed";
    public static final String JOBS_FAILED = "controlplane.jobs.failed";
    public static final String JOBS_CANCELLED = "controlplane.jobs.cancelled";
    public static final String QUEUE_DEPTH = "controlplane.queue.depth";
    public static final String QUEUE_OLDEST_AGE = "controlplane.queue.oldest_age";
    public static final String ASSIGNMENT_DURATION = "controlplane.assignment.duration";
    public static final String PREEMPTIONS = "controlplane.preemptions";
    public static final String LEASE_EXPIRIES = "controlplane.lease.expiries";
    public static final String MAPPINGS_RECORDED = "controlplane.mappings.recorded";
    /** The semantic-convention HTTP server metric. */
    public static final String HTTP_SERVER_REQUEST_DURATION = "http.server.request.duration";
    /** The semantic-convention count of requests in flight (a parked long poll counts until it is answered). */
    public static final String HTTP_SERVER_ACTIVE_REQUESTS = "http.server.active_requests";

    /** Seconds from queued to leased: an idle fleet answers in milliseconds, a busy one in minutes or hours. */
    private static final List<Double> ASSIGNMENT_BUCKETS = List.of(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
            120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 14400.0);
    /** The semantic conventions' buckets, plus 30 s for the lease long poll. */
    private static final List<Double> HTTP_BUCKETS = List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
            5.0, 7.5, 10.0, 30.0);

    private final LongCounter submitted;
    private final LongCounter completed;
    private final LongCounter failed;
    private final LongCounter cancelled;
    private final DoubleHistogram assignment;
    private final LongCounter preemptions;
    private final LongCounter leaseExpiries;
    private final LongCounter mappings;
    private final DoubleHistogram httpDuration;
    private final LongUpDownCounter httpActive;
    /** How long a queue reading is reported: many reconcile intervals (10 s by default). */
    public static final Duration QUEUE_READING_MAX_AGE = Duration.ofMinutes(5);

    private record QueueReading(Map<Tier, ReadyQueue.Depth> depths, Instant readAt) {
    }

    private final Map<String, QueueReading> queues = new ConcurrentHashMap<>();
    /** The last hour of readings per region and tier, one a minute (the console's queue chart). */
    private final Map<String, QueueDepthSeries> series = new ConcurrentHashMap<>();
    private final Clock clock;

    ControlPlaneMetrics(Meter meter, Clock clock) {
        this.clock = clock;
        submitted = counter(meter, JOBS_SUBMITTED, "{job}", "Jobs accepted (an Idempotency-Key replay is not counted again).");
        completed = counter(meter, JOBS_COMPLETED, "{job}", "Jobs their agent completed.");
        failed = counter(meter, JOBS_FAILED, "{job}", "Jobs that ended Failed (retries exhausted or not retryable).");
        cancelled = counter(meter, JOBS_CANCELLED, "{job}", "Jobs cancelled by a client or operator.");
        assignment = meter.histogramBuilder(ASSIGNMENT_DURATION).setUnit("s")
                .setDescription("Time from a job being queued (submitted, requeued, or its retry back-off over) to an agent leasing it.")
                .setExplicitBucketBoundariesAdvice(ASSIGNMENT_BUCKETS).build();
        preemptions = counter(meter, PREEMPTIONS, "{preemption}",
                "Running jobs asked to checkpoint and release for a higher-tier job.");
        leaseExpiries = counter(meter, LEASE_EXPIRIES, "{lease}",
                "Leases the control plane took back: the agent stopped heartbeating, or did not release within the stop grace.");
        mappings = counter(meter, MAPPINGS_RECORDED, "{mapping}", "ID mapping pairs newly recorded (a pair already stored is not counted).");
        httpDuration = meter.histogramBuilder(HTTP_SERVER_REQUEST_DURATION).setUnit("s")
                .setDescription("Duration of HTTP server requests.").setExplicitBucketBoundariesAdvice(HTTP_BUCKETS).build();
        httpActive = meter.upDownCounterBuilder(HTTP_SERVER_ACTIVE_REQUESTS).setUnit("{request}")
                .setDescription("Number of active HTTP server requests.").build();
        meter.gaugeBuilder(QUEUE_DEPTH).ofLongs().setUnit("{job}")
                .setDescription("Jobs waiting in the ready queue, per tier and region, as of the last reconcile pass.")
                .buildWithCallback(m -> fresh(clock.instant()).forEach((region, depths) -> depths.forEach((tier, depth) ->
                        m.record(depth.count(), tierAndRegion(tier, region)))));
        meter.gaugeBuilder(QUEUE_OLDEST_AGE).setUnit("s")
                .setDescription("Age of the oldest waiting job (since its submission), per tier and region; 0 when none waits.")
                .buildWithCallback(m -> {
                    Instant now = clock.instant();
                    fresh(now).forEach((region, depths) -> depths.forEach((tier, depth) -> m.record(
                            depth.count() == 0 || depth.oldestEnqueuedAt() == null ? 0.0
                                    : Math.max(0, Duration.between(depth.oldestEnqueuedAt(), now).toMillis() / 1000.0),
                            tierAndRegion(tier, region))));
                });
    }

    private Map<String, Map<Tier, ReadyQueue.Depth>> fresh(Instant now) {
        Map<String, Map<Tier, ReadyQueue.Depth>> fresh = new TreeMap<>();
        queues.forEach((region, reading) -> {
            if (!reading.readAt().plus(QUEUE_READING_MAX_AGE).isBefore(now)) {
                fresh.put(region, reading.depths());
            }
        });
        return fresh;
    }

    private static LongCounter counter(Meter meter, String name, String unit, String description) {
        return meter.counterBuilder(name).setUnit(unit).setDescription(description).build();
    }

    public void jobSubmitted(Job job) {
        submitted.add(1, of(job));
    }

    /** Counts the job by the final state it reached; any other state is not an outcome. */
    public void jobEnded(Job job) {
        switch (job.state()) {
            case Completed -> completed.add(1, of(job));
            case Failed -> failed.add(1, of(job));
            case Cancelled -> cancelled.add(1, of(job));
            default -> { }
        }
    }

    public void jobLeased(Job job, Duration waited) {
        assignment.record(Math.max(0, waited.toNanos()) / 1e9, of(job));
    }

    public void jobPreempted(Job victim, Tier forTier) {
        preemptions.add(1, of(victim).toBuilder().put(TelemetryAttributes.PREEMPTED_FOR_TIER, forTier.name()).build());
    }

    /** @param cause {@code heartbeat} or {@code stop_grace} */
    public void leaseExpired(Job job, String cause) {
        leaseExpiries.add(1, of(job).toBuilder().put(TelemetryAttributes.LEASE_EXPIRY_CAUSE, cause).build());
    }

    public void mappingsRecorded(Job job, int pairs) {
        if (pairs > 0) {
            mappings.add(pairs, of(job));
        }
    }

    /** The depths just read for a region: what the queue gauges report until the next reading. */
    public void queueDepths(String region, Map<Tier, ReadyQueue.Depth> depths) {
        Map<Tier, ReadyQueue.Depth> complete = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            complete.put(tier, depths.getOrDefault(tier, new ReadyQueue.Depth(0, null)));
        }
        Instant now = clock.instant();
        queues.put(region, new QueueReading(complete, now));
        complete.forEach((tier, depth) -> series.computeIfAbsent(seriesKey(region, tier), k -> new QueueDepthSeries())
                .offer(now, depth.count(), depth.oldestEnqueuedAt()));
    }

    /**
     * The samples of a region's tier over the last hour, one a minute at most, from the depths read
     * on this instance (reconcile passes while telemetry is on, operators' queue views); oldest first.
     */
    public List<QueueDepthSeries.Sample> queueSeries(String region, Tier tier) {
        QueueDepthSeries found = series.get(seriesKey(region, tier));
        return found == null ? List.of() : found.samples(clock.instant());
    }

    private static String seriesKey(String region, Tier tier) {
        return region + "|" + tier.name();
    }

    /** @param route the route template, or null when no route matched */
    /** A request started ({@code +1}) or was answered ({@code -1}). */
    public void httpActive(String method, int delta) {
        httpActive.add(delta, Attributes.of(TelemetryAttributes.HTTP_REQUEST_METHOD, method));
    }

    public void httpRequest(String method, String route, int status, Duration duration) {
        var b = Attributes.builder()
                .put(TelemetryAttributes.HTTP_REQUEST_METHOD, method)
                .put(TelemetryAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
        if (route != null) {
            b.put(TelemetryAttributes.HTTP_ROUTE, route);
        }
        if (status >= 500) {
            b.put(TelemetryAttributes.ERROR_TYPE, Integer.toString(status));
        }
        httpDuration.record(duration.toNanos() / 1e9, b.build());
    }

    private static Attributes of(Job job) {
        return tierAndRegion(job.spec().tier(), job.spec().region());
    }
}
