package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.OrganisationLimit;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.TenantOrganisationLimit;
import io.controlplane.domain.Tier;
import io.controlplane.ports.TenantStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Entitlements in one small partition ("tenant"), RowKey = tenant id; organisations' limits in
 * another ("organisation"), RowKey = organisation key; tenants' own organisation limits in
 * "tenant-organisation", RowKey = {@code <tenant>|<organisation>}; organisations' throttles in
 * "throttle", RowKey = organisation key, written conditionally on their ETag (several agents may
 * report one organisation's throttling at once).
 */
final class TableTenantStore implements TenantStore {

    private static final String PARTITION = "tenant";
    private static final String ORGANISATIONS = "organisation";
    private static final String TENANT_ORGANISATIONS = "tenant-organisation";
    private static final String THROTTLES = "throttle";

    private final TableClient table;
    private final EntityJson json;

    TableTenantStore(TableClient table, EntityJson json) {
        this.table = table;
        this.json = json;
    }

    @Override
    public Optional<TenantEntitlement> find(String tenantId) {
        try {
            return Optional.of(toEntitlement(table.getEntity(PARTITION, tenantId)));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public TenantEntitlement put(TenantEntitlement entitlement) {
        TableEntity e = new TableEntity(PARTITION, entitlement.tenantId());
        e.addProperty("MaxTier", entitlement.maxTier().name());
        e.addProperty("Regions", json.write(entitlement.regions().stream().sorted().toList()));
        if (entitlement.dedicatedPool() != null) {
            e.addProperty("DedicatedPool", entitlement.dedicatedPool());
        }
        e.addProperty("MaxConcurrentJobs", entitlement.maxConcurrentJobs());
        e.addProperty("KeyVaults", json.write(entitlement.keyVaults().stream().sorted().toList()));
        e.addProperty("EnvPools", json.write(entitlement.envPools().stream().sorted().toList()));
        e.addProperty("Weight", entitlement.weight());
        table.upsertEntityWithResponse(e, TableEntityUpdateMode.REPLACE, null, null);
        return entitlement;
    }

    @Override
    public List<TenantEntitlement> list() {
        List<TenantEntitlement> all = new ArrayList<>();
        for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                .setFilter("PartitionKey eq " + OData.quote(PARTITION)), null, null)) {
            all.add(toEntitlement(e));
        }
        return all;
    }

    @Override
    public boolean delete(String tenantId) {
        return deleteRow(PARTITION, tenantId);
    }

    /** Deletes one row; false when it was not there. */
    private boolean deleteRow(String partition, String rowKey) {
        try {
            // The SDK answers a delete of a missing entity with its 404 status rather than an exception.
            return table.deleteEntityWithResponse(new TableEntity(partition, rowKey), false, null, null).getStatusCode() / 100 == 2;
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public OrganisationLimit putOrganisation(OrganisationLimit limit) {
        TableEntity e = new TableEntity(ORGANISATIONS, limit.key());
        e.addProperty("MaxConcurrentJobs", limit.maxConcurrentJobs());
        table.upsertEntityWithResponse(e, TableEntityUpdateMode.REPLACE, null, null);
        return limit;
    }

    @Override
    public List<OrganisationLimit> organisations() {
        List<OrganisationLimit> all = new ArrayList<>();
        for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                .setFilter("PartitionKey eq " + OData.quote(ORGANISATIONS)), null, null)) {
            all.add(new OrganisationLimit(e.getRowKey(),
                    ((Number) e.getProperties().get("MaxConcurrentJobs")).intValue()));
        }
        return all;
    }

    @Override
    public boolean deleteOrganisation(String key) {
        return deleteRow(ORGANISATIONS, key);
    }

    @Override
    public TenantOrganisationLimit putTenantLimit(TenantOrganisationLimit limit) {
        TableEntity e = new TableEntity(TENANT_ORGANISATIONS, limit.tenantId() + "|" + limit.key());
        e.addProperty("TenantId", limit.tenantId());
        e.addProperty("Organisation", limit.key());
        e.addProperty("MaxConcurrentJobs", limit.maxConcurrentJobs());
        table.upsertEntityWithResponse(e, TableEntityUpdateMode.REPLACE, null, null);
        return limit;
    }

    @Override
    public List<TenantOrganisationLimit> tenantLimits() {
        List<TenantOrganisationLimit> all = new ArrayList<>();
        for (TableEntity e : partition(TENANT_ORGANISATIONS)) {
            all.add(new TenantOrganisationLimit((String) e.getProperty("TenantId"), (String) e.getProperty("Organisation"),
                    ((Number) e.getProperty("MaxConcurrentJobs")).intValue()));
        }
        return all;
    }

    @Override
    public boolean deleteTenantLimit(String tenantId, String key) {
        return deleteRow(TENANT_ORGANISATIONS, tenantId + "|" + key);
    }

    @Override
    public Optional<StoredThrottle> throttle(String key) {
        try {
            TableEntity e = table.getEntity(THROTTLES, key);
            return Optional.of(new StoredThrottle(toThrottle(e), e.getETag()));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public StoredThrottle putThrottle(OrganisationThrottle throttle, String etag) {
        TableEntity e = new TableEntity(THROTTLES, throttle.key());
        e.addProperty("Until", EdmDateTime.of(throttle.until()));
        e.addProperty("Ceiling", throttle.ceiling());
        e.addProperty("RecoverAt", throttle.recoverAt());
        e.addProperty("IncreaseEveryMs", throttle.increaseEvery().toMillis());
        e.addProperty("DecreasedAt", EdmDateTime.of(throttle.decreasedAt()));
        e.addProperty("ReportedAt", EdmDateTime.of(throttle.reportedAt()));
        if (throttle.remaining() != null) {
            e.addProperty("Remaining", throttle.remaining());
        }
        try {
            if (etag == null) {
                var created = table.createEntityWithResponse(e, null, null);
                return new StoredThrottle(kept(throttle), Etags.from(created.getHeaders()));
            }
            e.addProperty("odata.etag", etag);
            var updated = table.updateEntityWithResponse(e, TableEntityUpdateMode.REPLACE, true, null, null);
            return new StoredThrottle(kept(throttle), Etags.from(updated.getHeaders()));
        } catch (TableServiceException x) {
            if (TableErrors.isAlreadyExists(x) || TableErrors.isPreconditionFailed(x) || TableErrors.isNotFound(x)) {
                throw new ConcurrencyConflictException("The throttle of " + throttle.key() + " changed concurrently.", x);
            }
            throw x;
        }
    }

    @Override
    public List<OrganisationThrottle> throttles() {
        List<OrganisationThrottle> all = new ArrayList<>();
        for (TableEntity e : partition(THROTTLES)) {
            all.add(toThrottle(e));
        }
        return all;
    }

    private Iterable<TableEntity> partition(String partition) {
        return table.listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq " + OData.quote(partition)), null, null);
    }

    /** The throttle as read back: its times at the table's precision. */
    private static OrganisationThrottle kept(OrganisationThrottle t) {
        return new OrganisationThrottle(t.key(), EdmDateTime.kept(t.until()), t.ceiling(), t.recoverAt(), t.increaseEvery(),
                EdmDateTime.kept(t.decreasedAt()), EdmDateTime.kept(t.reportedAt()), t.remaining());
    }

    private static OrganisationThrottle toThrottle(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        return new OrganisationThrottle(e.getRowKey(), EdmDateTime.instant(p.get("Until")), ((Number) p.get("Ceiling")).intValue(),
                ((Number) p.get("RecoverAt")).intValue(), Duration.ofMillis(((Number) p.get("IncreaseEveryMs")).longValue()),
                EdmDateTime.instant(p.get("DecreasedAt")), EdmDateTime.instant(p.get("ReportedAt")),
                p.get("Remaining") instanceof Number n ? n.intValue() : null);
    }

    private TenantEntitlement toEntitlement(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        return new TenantEntitlement(e.getRowKey(), Tier.valueOf((String) p.get("MaxTier")),
                Set.copyOf(json.read((String) p.get("Regions"), new TypeReference<List<String>>() { })),
                (String) p.get("DedicatedPool"),
                ((Number) p.get("MaxConcurrentJobs")).intValue(),
                names(p.get("KeyVaults")), names(p.get("EnvPools")),
                p.get("Weight") instanceof Number w ? w.intValue() : TenantEntitlement.DEFAULT_WEIGHT); // none before fair share
    }

    /** A JSON list of names; absent in entitlements stored before credential binding (none allowed). */
    private Set<String> names(Object property) {
        return property == null ? Set.of() : Set.copyOf(json.read((String) property, new TypeReference<List<String>>() { }));
    }
}
