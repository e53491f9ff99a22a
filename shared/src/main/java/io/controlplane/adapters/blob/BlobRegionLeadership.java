package io.controlplane.adapters.blob;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobServiceVersion;
import com.azure.storage.blob.models.BlobStorageException;
import io.controlplane.ports.RegionLeadership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Region leadership for the standalone host: a blob lease per region in the container
 * {@code <prefix>dispatch-leaders} of the control plane's storage account. Every member, on a
 * thread of its own, renews the regions it holds every {@code renewEvery} and tries to acquire the
 * others every {@code acquireEvery} (shorter), so a region whose leader stopped (and released) is
 * taken within a try, and one whose leader died within a try of its lease lapsing. The holder writes its instance id in the blob's metadata
 * ({@code holder}), which the others read to tell {@link Listener#holderChanged} (also of the first
 * holder a member sees, since polls may already wait on it). {@link #leads} reads
 * memory only: true while the lease is held and was last confirmed less than the lease duration
 * minus a safety margin ago, so a member cut off from storage stops believing it leads before its
 * lease can pass to another.
 */
public final class BlobRegionLeadership implements RegionLeadership {

    private static final Logger LOG = LoggerFactory.getLogger(BlobRegionLeadership.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Pinned like the queue clients' version: the SDK's newest may be ahead of Azurite or a sovereign cloud. */
    static final BlobServiceVersion SERVICE_VERSION = BlobServiceVersion.V2025_11_05;
    static final String CONTAINER = "dispatch-leaders";
    static final String HOLDER = "holder";
    /** Blob container names: 3 to 63 lower-case letters, digits and single hyphens, a letter or digit first and last. */
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-z0-9](-?[a-z0-9])+");

    private final BlobContainerClient container;
    private final Duration acquireEvery;
    private final LeaseKeeper keeper;
    private final Map<String, RegionLease> regions = new LinkedHashMap<>();
    private final ScheduledExecutorService thread;
    private volatile Thread running;
    private volatile boolean closed;
    private boolean started;

    private BlobRegionLeadership(Builder b, BlobContainerClient container) {
        this.container = container;
        this.acquireEvery = b.acquireEvery != null ? b.acquireEvery : min(DEFAULT_ACQUIRE_EVERY, b.renewEvery);
        this.keeper = new LeaseKeeper(container, b.instanceId, b.leaseDuration, b.renewEvery, acquireEvery,
                b.safetyMargin != null ? b.safetyMargin : b.renewEvery);
        // One proposed lease id for the member's life: acquiring with it is also renewing it.
        String leaseId = UUID.randomUUID().toString();
        for (String region : b.regions) {
            regions.put(region, new RegionLease(region, container, leaseId));
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "region-leadership-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            running = t;
            return t;
        });
    }

    /** How often a member tries to take a region it does not hold, unless told otherwise. */
    static final Duration DEFAULT_ACQUIRE_EVERY = Duration.ofSeconds(1);

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for {@link #build()}, which checks them all and names every problem; no I/O until {@link #start}. */
    public static final class Builder {
        private String connectionString;
        private String endpoint;
        private String containerPrefix = "";
        private Collection<String> regions = List.of();
        private String instanceId;
        private Duration leaseDuration = Duration.ofSeconds(15);
        private Duration renewEvery = Duration.ofSeconds(5);
        private Duration safetyMargin;
        private Duration acquireEvery;

        private Builder() {
        }

        /** A storage connection string (Azurite or account key); takes precedence over the endpoint. */
        public Builder connectionString(String value) { this.connectionString = value; return this; }

        /** The account's blob endpoint, {@code https://<account>.blob.core.windows.net}, used with DefaultAzureCredential. */
        public Builder endpoint(String value) { this.endpoint = value; return this; }

        /** Prepended to {@code dispatch-leaders}: lower-case letters, digits and single hyphens (the queue prefix). */
        public Builder containerPrefix(String value) { this.containerPrefix = value; return this; }

        /** The regions to elect a leader for (a blob each). */
        public Builder regions(Collection<String> value) { this.regions = value == null ? List.of() : List.copyOf(value); return this; }

        /** This member's id, written in the blob's metadata while it leads. */
        public Builder instanceId(String value) { this.instanceId = value; return this; }

        /** How long a lease lasts without renewal (15 to 60 s, Azure's range; default 15 s). */
        public Builder leaseDuration(Duration value) { this.leaseDuration = value; return this; }

        /** How often the member renews and tries (default 5 s; well under the lease duration). */
        public Builder renewEvery(Duration value) { this.renewEvery = value; return this; }

        /**
         * How often the member tries to take a region it does not hold (default 1 s, at most
         * {@code renewEvery}): a dead leader's region is taken within this of its lease lapsing.
         */
        public Builder acquireEvery(Duration value) { this.acquireEvery = value; return this; }

        /** How long before its lease could lapse the member stops believing it leads (default: {@code renewEvery}). */
        public Builder safetyMargin(Duration value) { this.safetyMargin = value; return this; }

        public BlobRegionLeadership build() {
            List<String> problems = new ArrayList<>();
            boolean hasConnectionString = connectionString != null && !connectionString.isBlank();
            if (!hasConnectionString && (endpoint == null || endpoint.isBlank())) {
                problems.add("blob leases need a storage connection string or a blob endpoint");
            }
            String containerName = (containerPrefix == null ? "" : containerPrefix) + CONTAINER;
            if (containerName.length() > 63 || !CONTAINER_NAME.matcher(containerName).matches()) {
                problems.add("container '" + containerName + "' is no blob container name: the prefix must be lower-case"
                        + " letters, digits and single hyphens, the name at most 63");
            }
            if (regions.isEmpty()) {
                problems.add("at least one region is required");
            }
            if (regions.stream().anyMatch(r -> r == null || r.isBlank() || r.length() > 1024)) {
                problems.add("regions must be non-blank blob names");
            }
            if (instanceId == null || instanceId.isBlank()) {
                problems.add("an instance id is required");
            }
            if (leaseDuration == null || leaseDuration.compareTo(Duration.ofSeconds(15)) < 0
                    || leaseDuration.compareTo(Duration.ofSeconds(60)) > 0 || leaseDuration.toMillis() % 1000 != 0) {
                problems.add("leaseDuration must be whole seconds from 15 to 60");
            }
            Duration margin = safetyMargin != null ? safetyMargin : renewEvery;
            if (renewEvery == null || renewEvery.compareTo(Duration.ofMillis(10)) < 0 || leaseDuration != null
                    && renewEvery.multipliedBy(2).compareTo(leaseDuration) > 0) {
                problems.add("renewEvery must be from 10 ms to half the lease duration");
            } else if (margin.isNegative() || leaseDuration != null && margin.compareTo(leaseDuration) >= 0) {
                problems.add("safetyMargin must be from 0 to less than the lease duration");
            } else if (acquireEvery != null && (acquireEvery.compareTo(Duration.ofMillis(10)) < 0
                    || acquireEvery.compareTo(renewEvery) > 0)) {
                problems.add("acquireEvery must be from 10 ms to renewEvery");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid blob leadership settings:\n - " + String.join("\n - ", problems));
            }
            BlobServiceClientBuilder client = new BlobServiceClientBuilder()
                    .serviceVersion(SERVICE_VERSION)
                    .retryOptions(new RetryOptions(new ExponentialBackoffOptions()
                            .setMaxRetries(4)
                            .setBaseDelay(Duration.ofMillis(200))
                            .setMaxDelay(Duration.ofSeconds(4))))
                    .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE));
            client = hasConnectionString ? client.connectionString(connectionString)
                    : client.endpoint(endpoint).credential(new DefaultAzureCredentialBuilder().build());
            return new BlobRegionLeadership(this, client.buildClient().getBlobContainerClient(containerName));
        }
    }

    /** The container's name ({@code <prefix>dispatch-leaders}). */
    public String containerName() {
        return container.getBlobContainerName();
    }

    @Override
    public boolean leads(String region) {
        RegionLease r = regions.get(region);
        return r != null && r.held && System.nanoTime() - r.validUntil < 0;
    }

    @Override
    public void watch(Listener listener) {
        keeper.watch(listener);
    }

    /** Starts the member's thread: the first round at once, then one every {@code acquireEvery}. */
    @Override
    public void start() {
        Future<?> first;
        synchronized (this) {
            if (started || closed) {
                return;
            }
            started = true;
            first = thread.submit(this::round);
            thread.scheduleWithFixedDelay(this::round, acquireEvery.toMillis(), acquireEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
        // The first round before the host serves: a lone instance leads from its first request on,
        // rather than forwarding its first polls to itself through the bus.
        try {
            first.get(FIRST_ROUND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("event=leadership_first_round_slow error={}", e.getClass().getName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long {@link #start} waits for its first round (storage slow or away: it goes on in the background). */
    private static final Duration FIRST_ROUND_WAIT = Duration.ofSeconds(10);

    private void round() {
        for (RegionLease region : regions.values()) {
            if (closed) {
                return;
            }
            try {
                keeper.keep(region);
            } catch (RuntimeException e) {
                LOG.warn("event=leadership_round_failed region={} error={} status={}", region.name, e.getClass().getName(),
                        e instanceof BlobStorageException s ? s.getStatusCode() + " " + s.getErrorCode() : "-");
                keeper.lapseIfStale(region);
            }
        }
    }

    /** Stops the thread, then releases every lease held (so another member takes the region at its next try). */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopThread();
        for (RegionLease region : regions.values()) {
            if (region.held) {
                keeper.release(region);
            }
        }
    }

    /** Stops the thread without releasing anything, as a killed process would (tests). */
    void kill() {
        closed = true;
        thread.shutdownNow();
    }

    private void stopThread() {
        thread.shutdown();
        if (Thread.currentThread() == running) {
            return; // closed from a listener: the round in progress is this very call's caller
        }
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
