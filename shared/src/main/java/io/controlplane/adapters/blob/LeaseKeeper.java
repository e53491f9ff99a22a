package io.controlplane.adapters.blob;

import static io.controlplane.adapters.blob.BlobRegionLeadership.HOLDER;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import io.controlplane.ports.RegionLeadership.Listener;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a member of {@link BlobRegionLeadership} does with each region's lease, on its thread:
 * renews the leases it holds, tries to take the others, writes its id as the holder, reads another
 * member's, and tells the listeners when it gains or loses a region or sees a new holder.
 */
final class LeaseKeeper {

    /** The log of {@link BlobRegionLeadership}, whose work this is. */
    private static final Logger LOG = LoggerFactory.getLogger(BlobRegionLeadership.class);

    private final BlobContainerClient container;
    private final String instanceId;
    private final String holderValue;
    private final Duration leaseDuration;
    private final Duration renewEvery;
    private final Duration acquireEvery;
    private final Duration safetyMargin;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean containerCreated;

    LeaseKeeper(BlobContainerClient container, String instanceId, Duration leaseDuration, Duration renewEvery,
                Duration acquireEvery, Duration safetyMargin) {
        this.container = container;
        this.instanceId = instanceId;
        this.holderValue = metadataValue(instanceId);
        this.leaseDuration = leaseDuration;
        this.renewEvery = renewEvery;
        this.acquireEvery = acquireEvery;
        this.safetyMargin = safetyMargin;
    }

    void watch(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Renews the region's lease, or tries to take it. */
    void keep(RegionLease region) {
        if (region.held) {
            if (System.nanoTime() - region.confirmedAt < renewEvery.toNanos() - acquireEvery.toNanos() / 2) {
                return; // renewed less than renewEvery ago (rounds come every acquireEvery)
            }
            long sent = System.nanoTime();
            try {
                region.lease.renewLease();
                confirmed(region, sent);
                if (!region.holderWritten) {
                    writeHolder(region);
                }
                return;
            } catch (BlobStorageException e) {
                if (!isLeaseTaken(e)) {
                    throw e; // unreachable, throttled: keep the lease while it is fresh, try again next round
                }
                LOG.info("event=leadership_lost region={} instance={} reason={}", region.name, instanceId, e.getErrorCode());
                lose(region);
            }
        }
        acquire(region);
    }

    private void acquire(RegionLease region) {
        ensureBlob(region);
        long sent = System.nanoTime();
        try {
            region.lease.acquireLease((int) leaseDuration.toSeconds());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409) {
                throw e;
            }
            // Another member holds it (LeaseAlreadyPresent): see whether it is a new one, once a
            // renewal period (tries come more often; the holder changes far less).
            if (region.holderReadAt != 0 && System.nanoTime() - region.holderReadAt < renewEvery.toNanos()) {
                return;
            }
            region.holderReadAt = System.nanoTime();
            String holder = region.blob.getProperties().getMetadata().get(HOLDER);
            if (holder != null && !holder.equals(region.lastSeenHolder)) {
                region.lastSeenHolder = holder;
                tell(l -> l.holderChanged(region.name));
            }
            return;
        }
        confirmed(region, sent);
        region.held = true;
        region.holderWritten = false;
        region.lastSeenHolder = holderValue;
        LOG.info("event=leadership_gained region={} instance={} container={}", region.name, instanceId,
                container.getBlobContainerName());
        tell(l -> l.gained(region.name));
        writeHolder(region);
    }

    /** The container and the region's blob, created empty if missing (once; another member may have). */
    private void ensureBlob(RegionLease region) {
        if (region.created) {
            return;
        }
        if (!containerCreated) {
            container.createIfNotExists();
            containerCreated = true;
        }
        try {
            region.blob.upload(BinaryData.fromBytes(new byte[0]), false);
        } catch (BlobStorageException e) {
            // 409: it exists; 412: it exists and is leased.
            if (e.getStatusCode() != 409 && e.getStatusCode() != 412) {
                throw e;
            }
        }
        region.created = true;
    }

    private void writeHolder(RegionLease region) {
        try {
            region.blob.setMetadataWithResponse(Map.of(HOLDER, holderValue),
                    new BlobRequestConditions().setLeaseId(region.lease.getLeaseId()), null, Context.NONE);
            region.holderWritten = true;
        } catch (RuntimeException e) {
            // Only what the others are told: leading does not depend on it. Written at the next renewal.
            LOG.warn("event=leadership_holder_write_failed region={} error={}", region.name, e.getClass().getName());
        }
    }

    private void confirmed(RegionLease region, long sentAt) {
        region.confirmedAt = sentAt;
        region.validUntil = sentAt + leaseDuration.minus(safetyMargin).toNanos();
    }

    /** A renewal that failed for a reason other than the lease being taken: give up once it is too old to trust. */
    void lapseIfStale(RegionLease region) {
        if (region.held && System.nanoTime() - region.validUntil >= 0) {
            LOG.warn("event=leadership_lost region={} instance={} reason=not_renewed_in_time", region.name, instanceId);
            lose(region);
        }
    }

    private void lose(RegionLease region) {
        region.held = false;
        region.holderWritten = false;
        tell(l -> l.lost(region.name));
    }

    private static boolean isLeaseTaken(BlobStorageException e) {
        BlobErrorCode code = e.getErrorCode();
        return e.getStatusCode() == 409 || e.getStatusCode() == 412
                || BlobErrorCode.LEASE_ID_MISMATCH_WITH_LEASE_OPERATION.equals(code)
                || BlobErrorCode.LEASE_NOT_PRESENT_WITH_LEASE_OPERATION.equals(code)
                || BlobErrorCode.LEASE_LOST.equals(code);
    }

    private void tell(Consumer<Listener> what) {
        for (Listener listener : listeners) {
            try {
                what.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("event=leadership_listener_failed error={}", e.getClass().getName(), e);
            }
        }
    }

    /** Metadata values are ASCII header text: an id that is not is sent URL-encoded. */
    private static String metadataValue(String id) {
        return id.chars().allMatch(c -> c >= 0x21 && c <= 0x7e) ? id : URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** Releases the region's lease, held (so another member takes the region at its next try). */
    void release(RegionLease region) {
        try {
            region.lease.releaseLease();
            LOG.info("event=leadership_released region={} instance={}", region.name, instanceId);
        } catch (RuntimeException e) {
            // It lapses after the lease duration instead.
            LOG.warn("event=leadership_release_failed region={} error={} status={}", region.name, e.getClass().getName(),
                    e instanceof BlobStorageException s ? s.getStatusCode() + " " + s.getErrorCode() : "-");
        }
        lose(region);
    }
}
