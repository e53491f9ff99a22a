package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.ports.TenantStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Entitlements in one small partition ("tenant"), RowKey = tenant id; organisations' limits in
 * another ("organisation"), RowKey = organisation key.
 */
final class TableTenantStore implements TenantStore {

    private static final String PARTITION = "tenant";
    private static final String ORGANISATIONS = "organisation";

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
    public io.controlplane.domain.OrganisationLimit putOrganisation(io.controlplane.domain.OrganisationLimit limit) {
        TableEntity e = new TableEntity(ORGANISATIONS, limit.key());
        e.addProperty("MaxConcurrentJobs", limit.maxConcurrentJobs());
        table.upsertEntityWithResponse(e, TableEntityUpdateMode.REPLACE, null, null);
        return limit;
    }

    @Override
    public List<io.controlplane.domain.OrganisationLimit> organisations() {
        List<io.controlplane.domain.OrganisationLimit> all = new ArrayList<>();
        for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                .setFilter("PartitionKey eq " + OData.quote(ORGANISATIONS)), null, null)) {
            all.add(new io.controlplane.domain.OrganisationLimit(e.getRowKey(),
                    ((Number) e.getProperties().get("MaxConcurrentJobs")).intValue()));
        }
        return all;
    }

    @Override
    public boolean deleteOrganisation(String key) {
        return deleteRow(ORGANISATIONS, key);
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
