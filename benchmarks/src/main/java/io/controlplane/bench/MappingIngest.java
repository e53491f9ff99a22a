package io.controlplane.bench;

import java.util.Map;

/**
 * The mapping-ingest figures ({@link DispatchMeasurements#mappingIngest}): rates in pairs per second;
 * storage requests of the API calls (a transaction is one).
 */
record MappingIngest(double apiRate, double naiveRate, double mappingRequestsPerThousand,
                     Map<String, Long> mappingRequests, double requestsPerThousand, Map<String, Long> requests) {
}
