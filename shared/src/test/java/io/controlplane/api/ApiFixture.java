package io.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.adapters.memory.InMemoryIntakeQueue;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.ports.JobStore;
import io.controlplane.validation.JobSpecValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An HttpApi on an in-memory store with a development issuer, and helpers to call it. */
public final class ApiFixture {

    /** The example spec body of docs/openapi.yaml. */
    public static final String SPEC = io.controlplane.domain.JobSpecs.API_EXAMPLE;

    public final ObjectMapper json = Json.mapper();
    /** One key for all fixtures: RSA key generation is the slowest part of a fixture. */
    private static final DevIssuer SHARED_ISSUER = DevIssuer.generate(DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);

    public final DevIssuer issuer = SHARED_ISSUER;
    public final JobStore store;
    public final io.controlplane.app.UseCases app;
    public final HttpApi api;
    public final Map<String, ReadinessCheck> readiness = new HashMap<>();
    public final io.controlplane.adapters.memory.InMemoryAgentStore agents = new io.controlplane.adapters.memory.InMemoryAgentStore();
    public final io.controlplane.adapters.memory.InMemoryReadyQueue ready = new io.controlplane.adapters.memory.InMemoryReadyQueue();
    public final io.controlplane.adapters.memory.InMemoryTenantStore tenants = new io.controlplane.adapters.memory.InMemoryTenantStore();
    public final io.controlplane.adapters.memory.InMemoryMappingStore mappings = new io.controlplane.adapters.memory.InMemoryMappingStore();
    public final io.controlplane.adapters.memory.InMemoryLeaseExpiries leases = new io.controlplane.adapters.memory.InMemoryLeaseExpiries();
    /** Records what was published; delivers nothing (these tests subscribe no consumer). */
    public final InMemoryIntakeQueue intake = new InMemoryIntakeQueue();

    public ApiFixture() {
        this(new InMemoryJobStore(), 64 * 1024, 16 * 1024);
    }

    public ApiFixture(JobStore store, int maxBodyBytes, int maxSpecBytes) {
        this(store, maxBodyBytes, maxSpecBytes, io.controlplane.config.TenancySettings.defaults());
    }

    public ApiFixture(io.controlplane.config.TenancySettings tenancy) {
        this(new InMemoryJobStore(), 64 * 1024, 16 * 1024, tenancy);
    }

    public ApiFixture(JobStore store, int maxBodyBytes, int maxSpecBytes, io.controlplane.config.TenancySettings tenancy) {
        this(store, maxBodyBytes, maxSpecBytes, tenancy, io.controlplane.config.DispatchSettings.defaults(),
                io.controlplane.telemetry.Telemetry.noop());
    }

    /** With telemetry (an in-memory SDK) and dispatch timings of the test's choosing. */
    public ApiFixture(io.controlplane.telemetry.Telemetry telemetry, io.controlplane.config.DispatchSettings dispatch) {
        this(new InMemoryJobStore(), 64 * 1024, 16 * 1024, io.controlplane.config.TenancySettings.defaults(), dispatch, telemetry);
    }

    public ApiFixture(JobStore store, int maxBodyBytes, int maxSpecBytes, io.controlplane.config.TenancySettings tenancy,
                      io.controlplane.config.DispatchSettings dispatch, io.controlplane.telemetry.Telemetry telemetry) {
        this.store = store;
        Clock clock = Clock.systemUTC();
        readiness.put("tableStorage", () -> { });
        this.app = io.controlplane.app.UseCases.builder(new io.controlplane.app.UseCases.Stores(store, agents, ready, tenants,
                        mappings, leases), intake, Set.of("westeurope", "northeurope"))
                .dispatch(dispatch).tenancy(tenancy).clock(clock).telemetry(telemetry).build();
        this.api = HttpApi.create(new HttpApi.Dependencies(
                app,
                new JobSpecValidator(Set.of("westeurope", "northeurope"), maxSpecBytes, json),
                issuer.validator(),
                Map.of("tableStorage", () -> readiness.get("tableStorage").check()),
                json,
                maxBodyBytes,
                clock,
                telemetry));
    }

    /**
     * Everything the in-memory stores hold, and what was published to intake, as comparable values:
     * equal before and after a request that changed nothing.
     */
    public Map<String, Object> storedState() {
        if (!(store instanceof InMemoryJobStore jobs)) {
            throw new IllegalStateException("storedState() needs the in-memory job store");
        }
        return Map.of("jobs", jobs.contents(), "agents", agents.contents(), "ready", ready.contents(),
                "tenants", tenants.contents(), "mappings", mappings.contents(), "leases", leases.contents(), "intake", intake.published());
    }

    public String token(String tenant, String... roles) {
        return issuer.token(tenant, "user-of-" + tenant, List.of(roles), Duration.ofMinutes(5));
    }

    /** A token of the agent operator's identity {@code agentId} (role Agents.Run). */
    public String agentToken(String agentId) {
        return issuer.token("provider", agentId, List.of(Roles.AGENTS_RUN), Duration.ofMinutes(5));
    }

    public String adminToken() {
        return issuer.token("operators", "operator-1", List.of(Roles.ADMIN), Duration.ofMinutes(5));
    }

    public String clientToken(String tenant) {
        return token(tenant, Roles.JOBS_SUBMIT, Roles.JOBS_READ, Roles.JOBS_MANAGE);
    }

    public ApiResponse call(String method, String pathAndQuery, String token, String body) {
        return call(method, pathAndQuery, token, body, Map.of());
    }

    public ApiResponse call(String method, String pathAndQuery, String token, String body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        if (body != null) {
            headers.putIfAbsent("Content-Type", "application/json");
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        return api.handle(new ApiRequest(method, path, ApiRequest.parseQuery(query), headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
    }

    public JsonNode body(ApiResponse response) {
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
