package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.AgentNotFoundException;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.ports.AgentStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Agents in Table Storage: PartitionKey = region, RowKey = agent id; leases as a JSON property. */
final class TableAgentStore implements AgentStore {

    private final TableClient table;
    private final EntityJson json;

    TableAgentStore(TableClient table, EntityJson json) {
        this.table = table;
        this.json = json;
    }

    @Override
    public Optional<Agent> find(String region, String agentId) {
        try {
            return Optional.of(toAgent(table.getEntity(region, agentId)));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Agent create(Agent agent) {
        try {
            var response = table.createEntityWithResponse(toEntity(agent), null, null);
            return agent.withEtag(Etags.from(response.getHeaders()));
        } catch (TableServiceException e) {
            if (TableErrors.isAlreadyExists(e)) {
                throw new ConcurrencyConflictException("Agent " + agent.id() + " is already registered.", e);
            }
            throw e;
        }
    }

    @Override
    public Agent update(Agent agent) {
        TableEntity entity = toEntity(agent);
        entity.addProperty("odata.etag", agent.etag());
        try {
            var response = table.updateEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, true, null, null);
            return agent.withEtag(Etags.from(response.getHeaders()));
        } catch (TableServiceException e) {
            if (TableErrors.isPreconditionFailed(e)) {
                throw new ConcurrencyConflictException("Agent " + agent.id() + " changed concurrently.", e);
            }
            if (TableErrors.isNotFound(e)) {
                throw new AgentNotFoundException(agent.id());
            }
            throw e;
        }
    }

    @Override
    public boolean delete(Agent agent) {
        TableEntity entity = new TableEntity(agent.region(), agent.id());
        entity.addProperty("odata.etag", agent.etag());
        try {
            // The SDK answers a delete of a missing entity with its 404 status rather than an exception.
            return table.deleteEntityWithResponse(entity, true, null, null).getStatusCode() / 100 == 2;
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return false;
            }
            if (TableErrors.isPreconditionFailed(e)) {
                throw new ConcurrencyConflictException("Agent " + agent.id() + " changed concurrently.", e);
            }
            throw e;
        }
    }

    @Override
    public List<Agent> list(String region) {
        List<Agent> agents = new ArrayList<>();
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter("PartitionKey eq " + OData.quote(region));
        for (TableEntity entity : table.listEntities(options, null, null)) {
            agents.add(toAgent(entity));
        }
        return agents;
    }

    @Override
    public List<Agent> page(String region, String afterId, int limit) {
        String filter = "PartitionKey eq " + OData.quote(region) + (afterId == null ? "" : " and RowKey gt " + OData.quote(afterId));
        List<Agent> agents = new ArrayList<>();
        var pages = table.listEntities(new ListEntitiesOptions().setFilter(filter).setTop(limit), null, null)
                .iterableByPage().iterator();
        // One page (at most limit entities): never the rest of the partition.
        if (pages.hasNext()) {
            for (TableEntity entity : pages.next().getValue()) {
                if (agents.size() >= limit) {
                    break;
                }
                agents.add(toAgent(entity));
            }
        }
        return agents;
    }

    private TableEntity toEntity(Agent agent) {
        TableEntity e = new TableEntity(agent.region(), agent.id());
        e.addProperty("Pool", agent.pool());
        e.addProperty("Capabilities", json.write(agent.capabilities().stream().sorted().toList()));
        e.addProperty("Slots", agent.slots());
        e.addProperty("Draining", agent.draining());
        e.addProperty("PrincipalTenant", agent.principalTenant());
        e.addProperty("PrincipalSubject", agent.principalSubject());
        e.addProperty("RegisteredAt", EdmDateTime.of(agent.registeredAt()));
        e.addProperty("LastHeartbeatAt", EdmDateTime.of(agent.lastHeartbeatAt()));
        e.addProperty("Leases", json.write(agent.leases()));
        if (agent.heldFor() != null) {
            e.addProperty("HeldFor", json.write(agent.heldFor()));
        }
        return e;
    }

    private Agent toAgent(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        return new Agent(e.getRowKey(), e.getPartitionKey(), (String) p.get("Pool"),
                Set.copyOf(json.read((String) p.get("Capabilities"), new TypeReference<List<String>>() { })),
                ((Number) p.get("Slots")).intValue(),
                Boolean.TRUE.equals(p.get("Draining")),
                (String) p.get("PrincipalTenant"),
                (String) p.get("PrincipalSubject"),
                EdmDateTime.instant(p.get("RegisteredAt")),
                EdmDateTime.instant(p.get("LastHeartbeatAt")),
                json.read((String) p.get("Leases"), new TypeReference<List<AgentLease>>() { }),
                e.getETag(),
                p.get("HeldFor") == null ? null : json.read((String) p.get("HeldFor"), new TypeReference<Agent.Hold>() { }));
    }
}
