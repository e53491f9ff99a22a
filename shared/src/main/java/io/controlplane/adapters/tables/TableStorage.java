package io.controlplane.adapters.tables;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableServiceException;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.ports.AgentStore;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.TenantStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Factory for the Table Storage adapters: one service client (connection string locally, managed
 * identity in Azure), the SDK's exponential retry policy for throttling and timeouts, and table
 * names under a configurable prefix so several deployments or test runs can share an account.
 */
public final class TableStorage {

    private final TableServiceClient service;
    private final String prefix;
    private final ObjectMapper json;

    private TableStorage(TableServiceClient service, String prefix, ObjectMapper json) {
        this.service = service;
        this.prefix = prefix;
        this.json = json;
    }

    /**
     * @param connectionString a storage connection string (Azurite or keys), or null to use {@code endpoint}
     * @param endpoint the account's table endpoint, used with {@code DefaultAzureCredential}
     * @param tablePrefix letters and digits, prepended to every table name
     */
    public static TableStorage connect(String connectionString, String endpoint, String tablePrefix, ObjectMapper json) {
        return connect(connectionString, endpoint, tablePrefix, json, List.of());
    }

    /**
     * As {@link #connect(String, String, String, ObjectMapper)}, with extra pipeline policies
     * (counting requests for benchmarks, injecting faults in tests).
     */
    public static TableStorage connect(String connectionString, String endpoint, String tablePrefix, ObjectMapper json,
                                       List<HttpPipelinePolicy> extraPolicies) {
        Objects.requireNonNull(tablePrefix, "tablePrefix");
        if (!tablePrefix.matches("[A-Za-z][A-Za-z0-9]{0,40}")) {
            throw new IllegalArgumentException("Table prefix must be letters and digits, starting with a letter: " + tablePrefix);
        }
        TableServiceClientBuilder builder = new TableServiceClientBuilder()
                .retryOptions(new RetryOptions(new ExponentialBackoffOptions()
                        .setMaxRetries(4)
                        .setBaseDelay(Duration.ofMillis(200))
                        .setMaxDelay(Duration.ofSeconds(4))))
                .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE));
        builder.addPolicy(new BatchEtags());
        extraPolicies.forEach(builder::addPolicy);
        if (connectionString != null && !connectionString.isBlank()) {
            builder.connectionString(connectionString);
        } else if (endpoint != null && !endpoint.isBlank()) {
            builder.endpoint(endpoint).credential(new DefaultAzureCredentialBuilder().build());
        } else {
            throw new IllegalArgumentException("Table Storage needs a connection string or an endpoint");
        }
        return new TableStorage(builder.buildClient(), tablePrefix, json);
    }

    /**
     * {@code clock} ticking in what the tables keep of an instant (see {@link EdmDateTime}), so an
     * instant the control plane holds in memory, in a JSON property or in an answer is the one a read
     * gives back. The adapters cut every instant they store all the same: times also come from requests.
     */
    public static Clock ticking(Clock clock) {
        return new KeptClock(clock);
    }

    /** Creates the tables this deployment uses if they are missing. */
    public TableStorage ensureTables() {
        for (String table : TableNames.ALL) {
            service.createTableIfNotExists(prefix + table);
        }
        return this;
    }

    /** One cheap call that proves the account answers (readiness). */
    public void ping() {
        // A point read of a row that never exists: needs only data-plane read rights (what the
        // managed identity has), and a 404 proves the service answered.
        try {
            table(TableNames.JOBS).getEntity("~readiness", "~readiness");
        } catch (TableServiceException e) {
            if (!TableErrors.isNotFound(e) || TableErrors.isTableMissing(e)) {
                throw e;
            }
        }
    }

    public JobStore jobStore() {
        return new TableJobStore(table(TableNames.JOBS), json);
    }

    public AgentStore agentStore() {
        return new TableAgentStore(table(TableNames.AGENTS), new EntityJson(json));
    }

    public ReadyQueue readyQueue() {
        return new TableReadyQueue(table(TableNames.READY), new EntityJson(json));
    }

    public TenantStore tenantStore() {
        return new TableTenantStore(table(TableNames.TENANTS), new EntityJson(json));
    }

    public LeaseExpiries leaseExpiries() {
        return new TableLeaseExpiries(table(TableNames.LEASES));
    }

    public MappingStore mappingStore() {
        return new TableMappingStore(table(TableNames.MAPPINGS));
    }

    TableClient table(String name) {
        return service.getTableClient(prefix + name);
    }

    /** Deletes this prefix's tables (tests and tear-down). */
    public void dropTables() {
        for (String table : TableNames.ALL) {
            service.deleteTable(prefix + table);
        }
    }
}
