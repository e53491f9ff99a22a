package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.KeySafety;
import java.util.Map;
import java.util.Optional;

/**
 * The rows of the mappings table. PartitionKey = {@code <tenant>|<scope>} (the scope has no '|', so
 * the key names one tenant's scope and no other); each pair is two rows, {@code f|<type>|<sourceId>}
 * (forward) and {@code r|<type>|<targetId>} (reverse), each holding the whole pair, so a lookup
 * either way is one point read. A scope being erased has one more row, {@link #ERASE_MARKER}.
 */
final class MappingRows {

    /** Two rows per pair and 100 entities per transaction. */
    static final int PAIRS_PER_TRANSACTION = 50;
    static final int ROWS_PER_TRANSACTION = 100;
    static final String FORWARD = "f|";
    static final String REVERSE = "r|";
    /** Sorts after every pair row ('~' after 'r'), so no listing of pairs meets it. */
    static final String ERASE_MARKER = "~erase";
    /**
     * The call that last wrote the row: its write id when it created the row, {@link #confirmedBy}
     * that id when it confirmed a row another call created. An undo deletes only rows that still
     * carry its own write id, so a confirmed row is never undone.
     */
    static final String WRITE_ID = "WriteId";

    private MappingRows() {
    }

    static String partition(String tenantId, String scope) {
        if (scope == null || scope.indexOf(IdMapping.KEY_SEPARATOR) >= 0 || !KeySafety.isKeySafe(scope)
                || !KeySafety.isTenantId(tenantId)) {
            throw new IllegalArgumentException("A mapping scope is key-safe and has no '|'; its tenant is a tenant id");
        }
        return tenantId + IdMapping.KEY_SEPARATOR + scope;
    }

    static String forwardKey(String type, String sourceId) {
        return FORWARD + type + IdMapping.KEY_SEPARATOR + sourceId;
    }

    static String reverseKey(String type, String targetId) {
        return REVERSE + type + IdMapping.KEY_SEPARATOR + targetId;
    }

    static String forwardKey(IdMapping pair) {
        return forwardKey(pair.type(), pair.sourceId());
    }

    static String reverseKey(IdMapping pair) {
        return reverseKey(pair.type(), pair.targetId());
    }

    static String confirmedBy(String writeId) {
        return "c:" + writeId;
    }

    static TableEntity row(String partition, String rowKey, IdMapping pair, String writeId) {
        TableEntity e = new TableEntity(partition, rowKey);
        e.addProperty("Type", pair.type());
        e.addProperty("SourceId", pair.sourceId());
        e.addProperty("TargetId", pair.targetId());
        e.addProperty(WRITE_ID, writeId);
        return e;
    }

    /** The row's key and {@code etag}, as a conditional write or delete sends it (If-Match). */
    static TableEntity key(String partition, String rowKey, String etag) {
        TableEntity key = new TableEntity(partition, rowKey);
        if (etag != null) {
            key.addProperty("odata.etag", etag);
        }
        return key;
    }

    static IdMapping toMapping(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        return new IdMapping((String) p.get("Type"), (String) p.get("SourceId"), (String) p.get("TargetId"));
    }

    static Optional<TableEntity> find(TableClient table, String partition, String rowKey) {
        try {
            return Optional.of(table.getEntity(partition, rowKey));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e) && !TableErrors.isTableMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
