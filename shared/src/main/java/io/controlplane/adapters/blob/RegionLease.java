package io.controlplane.adapters.blob;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;

/**
 * One region's blob, lease and what this member knows of it: touched by the member's thread only
 * ({@link LeaseKeeper}), but for {@link BlobRegionLeadership#leads}.
 */
final class RegionLease {
    final String name;
    final BlobClient blob;
    final BlobLeaseClient lease;
    boolean created;
    volatile boolean held;
    /** {@link System#nanoTime()} until which {@link BlobRegionLeadership#leads} believes the lease. */
    volatile long validUntil;
    /** When the last acquire or renewal that succeeded was sent ({@link System#nanoTime}). */
    volatile long confirmedAt;
    /** When another member's holder name was last read ({@link System#nanoTime}; 0: never). */
    long holderReadAt;
    boolean holderWritten;
    String lastSeenHolder;

    /** @param leaseId the member's proposed lease id, the same for every region and its whole life */
    RegionLease(String name, BlobContainerClient container, String leaseId) {
        this.name = name;
        this.blob = container.getBlobClient(name);
        this.lease = new BlobLeaseClientBuilder().blobClient(blob).leaseId(leaseId).buildClient();
    }
}
