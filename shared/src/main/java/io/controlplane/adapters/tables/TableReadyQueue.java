package io.controlplane.adapters.tables;

import com.azure.core.http.HttpHeaderName;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The ready queue in Table Storage: PartitionKey = region, RowKey = {@link ReadyEntry#key()}, so
 * each tier is one contiguous key range in dispatch order and its head is a bounded range query.
 */
final class TableReadyQueue implements ReadyQueue {

    private static final ExecutorService QUERIES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ready-queue-query");
        t.setDaemon(true);
        return t;
    });

    private final TableClient table;
    private final EntityJson json;

    TableReadyQueue(TableClient table, EntityJson json) {
        this.table = table;
        this.json = json;
    }

    @Override
    public ReadyEntry put(ReadyEntry entry) {
        var response = table.upsertEntityWithResponse(toEntity(entry), TableEntityUpdateMode.REPLACE, null, null);
        return entry.withEtag(Etags.from(response.getHeaders()));
    }

    @Override
    public List<ReadyEntry> heads(String region, int perTier) {
        // The three tier ranges are independent queries: run them side by side, so reading the
        // head costs one round trip, not three.
        List<CompletableFuture<List<ReadyEntry>>> tiers = new ArrayList<>();
        for (Tier tier : new Tier[] {Tier.Platinum, Tier.Premium, Tier.Standard}) {
            tiers.add(CompletableFuture.supplyAsync(() -> page(region, tier, null, perTier), QUERIES));
        }
        List<ReadyEntry> heads = new ArrayList<>();
        for (var tier : tiers) {
            try {
                heads.addAll(tier.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return heads;
    }

    @Override
    public List<ReadyEntry> page(String region, Tier tier, String afterKey, int limit) {
        String filter = tierRange(region, tier) + (afterKey == null ? "" : " and RowKey gt " + OData.quote(afterKey));
        List<ReadyEntry> page = new ArrayList<>();
        Iterator<TableEntity> rows = table.listEntities(new ListEntitiesOptions().setFilter(filter)
                .setTop(Math.min(limit, 1000)), null, null).iterator();
        while (page.size() < limit && rows.hasNext()) {
            page.add(toEntry(rows.next()));
        }
        return page;
    }

    @Override
    public Optional<ReadyEntry> find(String region, String key) {
        try {
            return Optional.of(toEntry(table.getEntity(region, key)));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e) && !TableErrors.isTableMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean remove(ReadyEntry entry) {
        TableEntity entity = new TableEntity(entry.region(), entry.key());
        entity.addProperty("odata.etag", entry.etag() == null ? "*" : entry.etag());
        try {
            // The SDK answers a delete of a missing entity with its 404 status rather than an exception.
            return table.deleteEntityWithResponse(entity, entry.etag() != null, null, null).getStatusCode() / 100 == 2;
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e) || TableErrors.isPreconditionFailed(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Map<Tier, Depth> depths(String region) {
        Map<Tier, Depth> depths = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            long count = 0;
            Instant oldest = null;
            ListEntitiesOptions options = new ListEntitiesOptions().setFilter(tierRange(region, tier))
                    .setSelect(List.of("EnqueuedAt"));
            for (TableEntity row : table.listEntities(options, null, null)) {
                count++;
                Instant at = EdmDateTime.instant(row.getProperties().get("EnqueuedAt"));
                if (at != null && (oldest == null || at.isBefore(oldest))) {
                    oldest = at;
                }
            }
            depths.put(tier, new Depth(count, oldest));
        }
        return depths;
    }

    private static String tierRange(String region, Tier tier) {
        String prefix = ReadyEntry.keyPrefix(tier);
        String end = prefix.substring(0, prefix.length() - 1) + (char) ('|' + 1);
        return "PartitionKey eq " + OData.quote(region) + " and RowKey ge " + OData.quote(prefix)
                + " and RowKey lt " + OData.quote(end);
    }

    private TableEntity toEntity(ReadyEntry entry) {
        TableEntity e = new TableEntity(entry.region(), entry.key());
        e.addProperty("TenantId", entry.tenantId());
        e.addProperty("JobId", entry.jobId());
        e.addProperty("Tier", entry.tier().name());
        e.addProperty("Capabilities", json.write(entry.requiredCapabilities()));
        e.addProperty("EnqueuedAt", EdmDateTime.of(entry.enqueuedAt()));
        if (entry.notBefore() != null) {
            e.addProperty("NotBefore", EdmDateTime.of(entry.notBefore()));
        }
        e.addProperty("InsertedAt", EdmDateTime.of(entry.insertedAt()));
        if (entry.envCredentials()) {
            e.addProperty("EnvCredentials", true);
        }
        if (!entry.organisations().isEmpty()) {
            e.addProperty("Organisations", json.write(entry.organisations()));
        }
        return e;
    }

    private ReadyEntry toEntry(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        return new ReadyEntry(e.getPartitionKey(), (String) p.get("TenantId"), (String) p.get("JobId"),
                Tier.valueOf((String) p.get("Tier")),
                json.read((String) p.get("Capabilities"), new TypeReference<List<String>>() { }),
                EdmDateTime.instant(p.get("EnqueuedAt")),
                EdmDateTime.instant(p.get("NotBefore")),
                EdmDateTime.instant(p.get("InsertedAt")),
                e.getETag(),
                Boolean.TRUE.equals(p.get("EnvCredentials")),
                // absent in entries written before organisation limits: none known
                p.get("Organisations") == null ? List.of()
                        : json.read((String) p.get("Organisations"), new TypeReference<List<String>>() { }));
    }
}
