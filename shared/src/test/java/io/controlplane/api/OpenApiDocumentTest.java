package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.controlplane.app.AgentHeartbeat;
import io.controlplane.app.FindMappings;
import io.controlplane.app.LeaseGrant;
import io.controlplane.app.LeaseWork;
import io.controlplane.app.ReportProgress;
import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.EndpointType;
import io.controlplane.domain.Eta;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobKind;
import io.controlplane.domain.JobPolicy;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.JobState;
import io.controlplane.domain.LeaseIds;
import io.controlplane.domain.Progress;
import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentCommand;
import io.controlplane.ports.MappingStore;
import io.controlplane.validation.JobSpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/openapi.yaml and the code in step: the routes, their roles and security, the problem
 * types, the enums, the limits, and the shapes the API actually writes.
 */
class OpenApiDocumentTest {

    private static final List<String> HTTP_METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Path file;
    private static String text;
    private static JsonNode doc;

    @BeforeAll
    static void load() throws IOException {
        file = ProjectDocs.find("docs/openapi.yaml");
        text = Files.readString(file);
        doc = YAML.readTree(text);
    }

    @Test
    void documentsExactlyTheRoutesOfTheCode() {
        Set<String> inCode = routesByKey().keySet();
        Set<String> inDocument = operations().keySet();

        Set<String> undocumented = new TreeSet<>(inCode);
        undocumented.removeAll(inDocument);
        Set<String> notInCode = new TreeSet<>(inDocument);
        notInCode.removeAll(inCode);

        if (!undocumented.isEmpty() || !notInCode.isEmpty()) {
            fail("docs/openapi.yaml and HttpApi.describeRoutes() differ (" + file + ")"
                    + "\n  routes in code but not in the document: " + undocumented
                    + "\n  operations in the document but not in code: " + notInCode);
        }
    }

    @Test
    void eachOperationDeclaresTheRolesAndSecurityOfItsRoute() {
        Map<String, JsonNode> operations = operations();
        JsonNode schemes = doc.at("/components/securitySchemes");
        List<String> problems = new ArrayList<>();
        routesByKey().forEach((key, route) -> {
            JsonNode operation = operations.get(key);
            if (operation == null) {
                return; // reported by documentsExactlyTheRoutesOfTheCode
            }
            JsonNode roles = operation.get("x-required-roles");
            if (roles == null || !roles.isArray()) {
                problems.add(key + ": no x-required-roles list (the route accepts " + new TreeSet<>(route.roles()) + ")");
            } else if (!new TreeSet<>(texts(roles)).equals(new TreeSet<>(route.roles()))) {
                problems.add(key + ": x-required-roles " + new TreeSet<>(texts(roles)) + " but the route accepts "
                        + new TreeSet<>(route.roles()));
            }
            JsonNode security = operation.get("security");
            if (security == null || !security.isArray()) {
                problems.add(key + ": no per-operation security");
            } else if (!route.authenticated() && !security.isEmpty()) {
                problems.add(key + ": the route is unauthenticated, so its security must be []");
            } else if (route.authenticated()) {
                if (route.roles().isEmpty()) {
                    problems.add(key + ": an authenticated route with no roles admits nobody");
                }
                if (security.isEmpty()) {
                    problems.add(key + ": the route needs a bearer token, but its security is []");
                }
                for (JsonNode requirement : security) {
                    requirement.fieldNames().forEachRemaining(name -> {
                        JsonNode scheme = schemes.path(name);
                        if (!"http".equals(scheme.path("type").asText()) || !"bearer".equalsIgnoreCase(scheme.path("scheme").asText())) {
                            problems.add(key + ": security scheme '" + name + "' is not an http bearer scheme of components.securitySchemes");
                        }
                    });
                    if (requirement.isEmpty()) {
                        problems.add(key + ": an empty security requirement ({}) makes the token optional");
                    }
                }
            }
        });
        assertThat(problems).as("operations of %s", file).isEmpty();
    }

    @Test
    void everyProblemTypeMentionedExistsInProblemType() {
        Matcher m = Pattern.compile(Pattern.quote(ProblemType.URI_PREFIX) + "([a-z0-9]+(?:-[a-z0-9]+)*)").matcher(text);
        Set<String> mentioned = new TreeSet<>();
        while (m.find()) {
            mentioned.add(m.group(1));
        }
        Set<String> known = Arrays.stream(ProblemType.values()).map(ProblemType::slug).collect(Collectors.toCollection(TreeSet::new));

        Set<String> unknown = new TreeSet<>(mentioned);
        unknown.removeAll(known);
        assertThat(mentioned).as("problem type URIs in %s", file).isNotEmpty();
        assertThat(unknown).as("problem types in %s that ProblemType does not have", file).isEmpty();
    }

    @Test
    void problemCatalogueListsEveryProblemTypeWithItsStatusAndTitle() {
        Set<String> documented = new TreeSet<>();
        for (JsonNode entry : doc.at("/components/x-problem-types")) {
            documented.add(entry.path("type").asText() + " " + entry.path("status").asInt() + " " + entry.path("title").asText());
        }
        Set<String> inCode = Arrays.stream(ProblemType.values())
                .map(t -> t.uri() + " " + t.status() + " " + t.title())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).as("components.x-problem-types of %s", file).isEqualTo(inCode);
    }

    @Test
    void everyProblemExampleHasTheStatusAndTitleOfItsType() {
        List<String> problems = new ArrayList<>();
        walk(doc, "", (node, at) -> {
            String type = node.path("type").asText("");
            if (!type.startsWith(ProblemType.URI_PREFIX) || !node.has("status")) {
                return;
            }
            String slug = type.substring(ProblemType.URI_PREFIX.length());
            Arrays.stream(ProblemType.values()).filter(t -> t.slug().equals(slug)).findFirst().ifPresent(t -> {
                if (node.path("status").asInt() != t.status() || !t.title().equals(node.path("title").asText())) {
                    problems.add(at + ": " + slug + " has status " + t.status() + " and title '" + t.title() + "'");
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void enumsEqualTheDomainEnums() {
        List<String> tiers = names(Tier.values());
        List<String> kinds = names(JobKind.values());
        List<String> endpointTypes = names(EndpointType.values());
        List<String> states = names(JobState.values());

        assertThat(enumOf(property("JobSpec", "tier"))).as("JobSpec.tier").isEqualTo(tiers);
        assertThat(enumOf(property("JobSpec", "kind"))).as("JobSpec.kind").isEqualTo(kinds);
        assertThat(enumOf(resolve(property("JobSpec", "source")).at("/properties/type"))).as("JobSpec.source.type").isEqualTo(endpointTypes);
        assertThat(enumOf(resolve(property("JobSpec", "target")).at("/properties/type"))).as("JobSpec.target.type").isEqualTo(endpointTypes);
        assertThat(enumOf(property("JobView", "tier"))).as("JobView.tier").isEqualTo(tiers);
        assertThat(enumOf(property("JobView", "kind"))).as("JobView.kind").isEqualTo(kinds);
        assertThat(enumOf(property("JobView", "state"))).as("JobView.state").isEqualTo(states);
        assertThat(enumOf(property("HistoryEntry", "from"))).as("HistoryEntry.from").isEqualTo(states);
        assertThat(enumOf(property("HistoryEntry", "to"))).as("HistoryEntry.to").isEqualTo(states);
        assertThat(enumOf(queryParameter("GET /api/jobs", "state").get("schema"))).as("GET /api/jobs ?state").isEqualTo(states);
        assertThat(enumOf(queryParameter("GET /api/jobs", "tier").get("schema"))).as("GET /api/jobs ?tier").isEqualTo(tiers);
        assertThat(enumOf(property("JobOutcome", "state"))).as("JobOutcome.state").isEqualTo(states);
        assertThat(enumOf(property("QueueDepth", "tier"))).as("QueueDepth.tier").isEqualTo(tiers);
        assertThat(enumOf(property("EntitlementRequest", "tier"))).as("EntitlementRequest.tier").isEqualTo(tiers);
        assertThat(enumOf(property("EntitlementView", "tier"))).as("EntitlementView.tier").isEqualTo(tiers);
        List<String> checkpointKinds = names(Checkpoint.Kind.values());
        assertThat(enumOf(property("CheckpointWrite", "kind"))).as("CheckpointWrite.kind").isEqualTo(checkpointKinds);
        assertThat(enumOf(property("CheckpointView", "kind"))).as("CheckpointView.kind").isEqualTo(checkpointKinds);
        // The contract's four command types; the code must send none other.
        Instant now = Instant.parse("2025-06-02T09:14:03.112Z");
        assertThat(enumOf(property("AgentCommand", "type"))).as("AgentCommand.type")
                .containsExactly("continue", "preempt", "pause", "cancel")
                .contains(AgentCommand.proceed("l", "j", now).type(), AgentCommand.cancel("l", "j", "lease-lost").type());
    }

    @Test
    void limitsEqualTheCodesLimits() {
        assertThat(property("JobSpec", "name").path("maxLength").asInt()).isEqualTo(JobSpecValidator.MAX_NAME_CHARS);
        assertThat(property("JobSpec", "requiredCapabilities").path("maxItems").asInt()).isEqualTo(JobSpecValidator.MAX_CAPABILITIES);
        assertThat(property("Endpoint", "url").path("maxLength").asInt()).isEqualTo(JobSpecValidator.MAX_URL_CHARS);
        assertThat(property("Endpoint", "project").path("maxLength").asInt()).isEqualTo(JobSpecValidator.MAX_PROJECT_CHARS);
        assertThat(property("Policy", "maxRetries").path("maximum").asInt()).isEqualTo(JobPolicy.MAX_RETRIES_LIMIT);
        assertThat(property("Policy", "maxRetries").path("default").asInt()).isEqualTo(JobPolicy.DEFAULT_MAX_RETRIES);
        assertThat(property("Policy", "preemptible").path("default").asBoolean()).isEqualTo(JobPolicy.defaults().preemptible());

        JsonNode limit = queryParameter("GET /api/jobs", "limit").get("schema");
        assertThat(limit.path("minimum").asInt()).isEqualTo(1);
        assertThat(limit.path("maximum").asInt()).isEqualTo(JobRoutes.MAX_LIMIT);
        assertThat(limit.path("default").asInt()).isEqualTo(JobRoutes.DEFAULT_LIMIT);

        JsonNode wait = queryParameter("POST /api/agents/{agentId}/lease", "waitSeconds").get("schema");
        assertThat(wait.path("minimum").asInt()).isZero();
        assertThat(wait.path("maximum").asInt()).isEqualTo(LeaseWork.MAX_WAIT_SECONDS);
        assertThat(wait.path("default").asInt()).isZero();

        String agentId = "^" + AgentRoutes.AGENT_ID.pattern() + "$";
        String name = "^" + AgentRoutes.NAME.pattern() + "$";
        for (String operation : List.of("PUT /api/agents/{agentId}", "POST /api/agents/{agentId}/heartbeat",
                "POST /api/agents/{agentId}/lease", "POST /api/admin/agents/{agentId}/drain")) {
            assertThat(parameter(operation, "path", "agentId").at("/schema/pattern").asText()).as(operation + " agentId").isEqualTo(agentId);
        }
        assertThat(property("AgentRegistration", "pool").path("pattern").asText()).isEqualTo(name);
        assertThat(property("AgentRegistration", "capabilities").at("/items/pattern").asText()).isEqualTo(name);
        assertThat(property("AgentRegistration", "slots").path("maximum").asInt()).isEqualTo(Agent.MAX_SLOTS);
        assertThat(property("EntitlementRequest", "dedicatedPool").path("pattern").asText()).isEqualTo(name);

        assertThat(parameter("PUT /api/leases/{leaseId}/checkpoints/{name}", "path", "name").at("/schema/pattern").asText())
                .isEqualTo("^" + AgentRoutes.CHECKPOINT_NAME.pattern() + "$");
        assertThat(property("MappingRecordRequest", "items").path("maxItems").asInt()).isEqualTo(MappingStore.MAX_ITEMS_PER_CALL);
        assertThat(property("IdMapping", "type").path("pattern").asText()).isEqualTo("^" + IdMapping.TYPE.pattern() + "$");
        assertThat(property("IdMapping", "sourceId").path("maxLength").asInt()).isEqualTo(IdMapping.MAX_ID_CHARS);
        assertThat(property("IdMapping", "targetId").path("maxLength").asInt()).isEqualTo(IdMapping.MAX_ID_CHARS);
        assertThat(operations().get("POST /api/jobs").at("/responses/429/headers/Retry-After/schema/const").asInt())
                .isEqualTo(HttpApi.QUOTA_RETRY_AFTER_SECONDS);
        // The tenant id rule (KeySafety.isTenantId) on every tenant route, tried on ids either side of it.
        List<String> tenantIds = List.of("72f988bf-86f1-41af-91ab-2d7cd011db47", "a", "A.b_c-9", "x".repeat(128), "x".repeat(129),
                "", "-a", ".a", "a|b", "a/b", "a b", "a#b", "a?b", "a\\b", "a\u0001", "tenant\u00e9", "a:b");
        for (String operation : List.of("PUT /api/admin/tenants/{tenantId}", "GET /api/admin/tenants/{tenantId}",
                "DELETE /api/admin/tenants/{tenantId}", "GET /api/admin/tenants/{tenantId}/export")) {
            JsonNode tenantId = parameter(operation, "path", "tenantId").get("schema");
            Pattern pattern = Pattern.compile(tenantId.path("pattern").asText());
            for (String id : tenantIds) {
                boolean documented = pattern.matcher(id).find() && id.length() >= tenantId.path("minLength").asInt(0)
                        && id.length() <= tenantId.path("maxLength").asInt(Integer.MAX_VALUE);
                assertThat(documented).as(operation + " tenantId '" + id + "'").isEqualTo(io.controlplane.domain.KeySafety.isTenantId(id));
            }
        }
        for (String operation : List.of("GET /api/jobs/{jobId}/mappings", "GET /api/leases/{leaseId}/mappings")) {
            JsonNode mappingLimit = queryParameter(operation, "limit").get("schema");
            assertThat(mappingLimit.path("minimum").asInt()).as(operation + " limit").isEqualTo(1);
            assertThat(mappingLimit.path("maximum").asInt()).as(operation + " limit").isEqualTo(FindMappings.MAX_LIMIT);
            assertThat(mappingLimit.path("default").asInt()).as(operation + " limit").isEqualTo(MappingRoutes.DEFAULT_LIMIT);
            assertThat(queryParameter(operation, "type").at("/schema/pattern").asText()).as(operation + " type")
                    .isEqualTo("^" + IdMapping.TYPE.pattern() + "$");
        }
    }

    @Test
    void everyResponseDocumentsTheRequestIdHeader() {
        List<String> missing = new ArrayList<>();
        operations().forEach((key, operation) -> operation.path("responses").fields().forEachRemaining(response -> {
            JsonNode headers = resolve(response.getValue()).path("headers");
            boolean has = false;
            for (Iterator<String> names = headers.fieldNames(); names.hasNext(); ) {
                has |= names.next().equalsIgnoreCase("x-request-id");
            }
            if (!has) {
                missing.add(key + " " + response.getKey());
            }
        }));
        assertThat(missing).as("responses without an x-request-id header").isEmpty();
    }

    @Test
    void theExampleSpecIsOneTheValidatorAccepts() {
        JsonNode example = doc.at("/components/examples/JobSpecMigrate/value");
        assertThat(example.isObject()).isTrue();
        assertThatCode(() -> validator().validate(example)).doesNotThrowAnyException();
    }

    @Test
    void theExampleJobViewIsWhatTheApiWritesForTheExampleSpec() throws IOException {
        JsonNode example = doc.at("/components/examples/JobViewQueued/value");
        JobSpec spec = validator().validate(doc.at("/components/examples/JobSpecMigrate/value"));
        Job job = Job.submitted(example.path("id").asText(), example.path("tenantId").asText(), spec,
                Instant.parse(example.path("createdAt").asText()), "someone").job();

        JsonNode written = written(JobView.of(job));

        // Both sides through the API's JSON mapper, so numbers compare as the wire has them.
        assertThat(written).isEqualTo(written(example));
    }

    @Test
    void theExampleLeaseIsWhatTheApiWritesWhenTheExampleJobIsLeased() throws IOException {
        JsonNode example = doc.at("/components/examples/LeaseFresh/value");
        JsonNode queued = doc.at("/components/examples/JobViewQueued/value");
        JobSpec spec = validator().validate(doc.at("/components/examples/JobSpecMigrate/value"));
        Instant expiresAt = Instant.parse(example.path("expiresAt").asText());
        String leaseId = example.path("leaseId").asText();
        Job job = Job.submitted(queued.path("id").asText(), queued.path("tenantId").asText(), spec,
                Instant.parse(queued.path("createdAt").asText()), "someone").job();
        Job leased = job.assign("agent-we-01", leaseId, expiresAt, expiresAt.minusSeconds(60)).job();

        JsonNode written = written(AgentViews.of(new LeaseGrant(leased, leaseId, leased.epoch(), expiresAt, false, java.util.List.of()),
                DispatchSettings.defaults().heartbeatInterval().toSeconds()));

        assertThat(written).isEqualTo(written(example));
        assertThat(LeaseIds.parse(leaseId)).as("the example lease id is one the code could have issued")
                .contains(new LeaseIds.Target(leased.tenantId(), leased.id(), leased.epoch()));
    }

    @Test
    void theExampleHeartbeatAnswersAreWhatTheApiWritesForTheirCommands() throws IOException {
        for (String name : List.of("HeartbeatAnswer", "HeartbeatStop")) {
            JsonNode example = doc.at("/components/examples/" + name + "/value");
            List<AgentCommand> commands = new ArrayList<>();
            for (JsonNode c : example.path("commands")) {
                String leaseId = c.path("leaseId").asText();
                String jobId = c.path("jobId").asText();
                assertThat(LeaseIds.parse(leaseId)).as("lease id %s", leaseId).hasValueSatisfying(t -> assertThat(t.jobId()).isEqualTo(jobId));
                commands.add(switch (c.path("type").asText()) {
                    case "continue" -> AgentCommand.proceed(leaseId, jobId, Instant.parse(c.path("deadline").asText()));
                    case "cancel" -> AgentCommand.cancel(leaseId, jobId, c.path("reason").asText());
                    case "preempt", "pause" -> new AgentCommand(c.path("type").asText(), leaseId, jobId,
                            Instant.parse(c.path("deadline").asText()), c.path("reason").asText());
                    default -> fail("the code sends no command of type " + c.path("type"));
                });
            }

            DispatchSettings defaults = DispatchSettings.defaults();
            JsonNode written = written(new AgentHeartbeat.Beat(commands, defaults.heartbeatInterval().toSeconds(),
                    defaults.leaseDuration().toSeconds()));

            assertThat(written).as(name).isEqualTo(written(example));
        }
    }

    @Test
    void theExampleCheckpointsAreWhatTheApiWritesForThem() throws IOException {
        String jobId = doc.at("/components/examples/JobViewQueued/value/id").asText();
        for (String name : List.of("CheckpointCursor", "CheckpointGit")) {
            JsonNode example = doc.at("/components/examples/" + name + "/value");
            assertThat(written(JobRoutes.CheckpointView.of(checkpoint(jobId, example)))).as(name).isEqualTo(written(example));
        }
        List<JobRoutes.CheckpointView> listed = new ArrayList<>();
        for (JsonNode c : doc.at("/components/examples/CheckpointList/value/items")) {
            listed.add(JobRoutes.CheckpointView.of(checkpoint(jobId, c)));
        }
        // as JobRoutes answers GET /api/jobs/{jobId}/checkpoints
        assertThat(written(Map.of("items", listed))).isEqualTo(written(doc.at("/components/examples/CheckpointList/value")));
    }

    @Test
    void theExampleResumedLeaseIsWhatTheApiWritesWhenThePreemptedExampleJobIsLeasedAgain() throws IOException {
        JsonNode example = doc.at("/components/examples/LeaseResumed/value");
        JsonNode queued = doc.at("/components/examples/JobViewQueued/value");
        JobSpec spec = validator().validate(doc.at("/components/examples/JobSpecMigrate/value"));
        Instant expiresAt = Instant.parse(example.path("expiresAt").asText());
        Instant start = Instant.parse(queued.path("createdAt").asText());
        String leaseId = example.path("leaseId").asText();
        Job job = Job.submitted(queued.path("id").asText(), queued.path("tenantId").asText(), spec, start, "someone").job();
        Job first = job.assign("agent-we-01", LeaseIds.newLeaseId(job.tenantId(), job.id(), 1), start.plusSeconds(60), start).job();
        Job preempted = first.requestStop(JobState.Preempting, start.plusSeconds(120), start.plusSeconds(5), "preempted", "control-plane")
                .job().release(start.plusSeconds(30), "preempted").job();
        JsonNode p = example.path("progress");
        Map<String, Long> counters = new LinkedHashMap<>();
        p.path("counters").fields().forEachRemaining(e -> counters.put(e.getKey(), e.getValue().asLong()));
        Job leased = preempted.withProgress(new Progress(p.path("percent").asDouble(), counters, p.path("message").asText(),
                Instant.parse(p.path("updatedAt").asText())), start.plusSeconds(30))
                .assign("agent-we-02", leaseId, expiresAt, expiresAt.minusSeconds(60)).job();
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (JsonNode c : example.path("checkpoints")) {
            checkpoints.add(checkpoint(job.id(), c));
        }

        JsonNode written = written(AgentViews.of(new LeaseGrant(leased, leaseId, leased.epoch(), expiresAt, true, checkpoints),
                DispatchSettings.defaults().heartbeatInterval().toSeconds()));

        assertThat(written).isEqualTo(written(example));
        assertThat(LeaseIds.parse(leaseId)).as("the example lease id is one the code could have issued")
                .contains(new LeaseIds.Target(leased.tenantId(), leased.id(), leased.epoch()));
    }

    private static Checkpoint checkpoint(String jobId, JsonNode view) {
        Object data = Json.mapper().convertValue(view.path("data"), Object.class);
        return new Checkpoint(jobId, view.path("name").asText(), Checkpoint.Kind.valueOf(view.path("kind").asText()), data,
                view.path("epoch").asLong(), Instant.parse(view.path("updatedAt").asText()));
    }

    @Test
    void theExampleAgentIsWhatTheApiWritesForIt() throws IOException {
        JsonNode example = doc.at("/components/examples/AgentViewWorking/value");
        List<AgentLease> leases = new ArrayList<>();
        for (JsonNode l : example.path("leases")) {
            LeaseIds.Target target = LeaseIds.parse(l.path("leaseId").asText()).orElseThrow();
            assertThat(target.jobId()).isEqualTo(l.path("jobId").asText());
            assertThat(target.epoch()).isEqualTo(l.path("epoch").asLong());
            leases.add(new AgentLease(l.path("leaseId").asText(), target.tenantId(), target.jobId(), target.epoch(),
                    Instant.parse(l.path("expiresAt").asText()).minusSeconds(60), Instant.parse(l.path("expiresAt").asText())));
        }
        Set<String> capabilities = new TreeSet<>(texts(example.path("capabilities")));
        Agent agent = new Agent(example.path("id").asText(), example.path("region").asText(), example.path("pool").asText(),
                capabilities, example.path("slots").asInt(), example.path("draining").asBoolean(), "tenant", "subject",
                Instant.parse(example.path("registeredAt").asText()), Instant.parse(example.path("lastHeartbeatAt").asText()),
                leases, null);

        assertThat(written(AgentViews.of(agent, example.path("healthy").asBoolean()))).isEqualTo(written(example));
    }

    @Test
    void theEtaBasesAreTheOnesTheCodeGives() {
        assertThat(enumOf(property("ProgressEta", "basis"))).as("ProgressEta.basis")
                .containsExactly(Eta.PROGRESS_RATE, Eta.STALLED, Eta.QUEUE_POSITION);
    }

    @Test
    void schemasHaveExactlyTheFieldsTheApiWrites() throws IOException {
        JobSpec spec = validator().validate(doc.at("/components/examples/JobSpecMigrate/value"));
        Instant now = Instant.parse("2025-06-02T09:14:03.112Z");
        Job.Transition submitted = Job.submitted("01hzx3k5q0d8m4v7n2c6b9t1rw", "tenant-a", spec, now, "someone");
        JsonNode view = written(JobView.of(submitted.job()));
        JsonNode history = written(JobRoutes.HistoryView.of(submitted.entry()));
        JsonNode page = written(new JobRoutes.JobPage(List.of(JobView.of(submitted.job())), null));

        Map<String, JsonNode> shapes = new LinkedHashMap<>();
        // Written only when present (a queued job's GET): every field of WaitingFor set, to see them all.
        JsonNode waitingView = written(JobView.of(submitted.job(), new io.controlplane.scheduling.WaitReasons.Waiting(
                "organisation-throttled", "dev.azure.com:contoso", now, 0, 3, "Organisation dev.azure.com:contoso asked for a back-off")));
        shapes.put("JobView", waitingView);
        shapes.put("WaitingFor", waitingView.get("waitingFor"));
        // Written only when there is an estimate: every field of it set, to see them all.
        JsonNode estimated = written(JobView.of(submitted.job(), null, new Eta(now.plusSeconds(600), now.plusSeconds(300),
                now.plusSeconds(900), Eta.PROGRESS_RATE)));
        shapes.put("Progress", estimated.get("progress"));
        shapes.put("ProgressEta", estimated.get("progress").get("eta"));
        shapes.put("JobSpec", view.get("spec"));
        shapes.put("Endpoint", view.get("spec").get("source"));
        shapes.put("Policy", view.get("spec").get("policy"));
        shapes.put("HistoryEntry", history);
        shapes.put("JobPage", page);
        shapes.put("HistoryPage", written(new JobRoutes.HistoryPage(List.of(JobRoutes.HistoryView.of(submitted.entry())))));

        String leaseId = LeaseIds.newLeaseId("tenant-a", submitted.job().id(), 1);
        Instant expiresAt = now.plusSeconds(60);
        Agent agent = new Agent("agent-we-01", "westeurope", "shared", Set.of("git", "azure-devops"), 2, false, "tenant-a",
                "agent-principal", now, now, List.of(new AgentLease(leaseId, "tenant-a", submitted.job().id(), 1, now, expiresAt)), null);
        JsonNode agentView = written(AgentViews.of(agent, true));
        Job leased = submitted.job().assign(agent.id(), leaseId, expiresAt, now).job();
        JsonNode beat = written(new AgentHeartbeat.Beat(List.of(AgentCommand.proceed(leaseId, leased.id(), expiresAt),
                AgentCommand.cancel(leaseId, leased.id(), "lease-lost")), 15, 60));
        JsonNode backingOff = written(AgentCommand.proceed(leaseId, leased.id(), expiresAt)
                .withBackOff(new AgentCommand.BackOff("dev.azure.com:contoso", now.plusSeconds(30), 30)));
        AdminRoutes.QueueView queue = new AdminRoutes.QueueView("westeurope", "Premium", 1, now, 5L);
        shapes.put("AgentView", agentView);
        shapes.put("AgentLeaseSummary", agentView.get("leases").get(0));
        // as AdminRoutes answers GET /api/admin/agents and /queues
        shapes.put("AgentList", written(Map.of("items", List.of(AgentViews.of(agent, true)))));
        shapes.put("LeaseView", written(AgentViews.of(new LeaseGrant(leased, leaseId, 1, expiresAt, false, java.util.List.of()), 15)));
        shapes.put("HeartbeatAnswer", beat);
        shapes.put("AgentCommand", backingOff);
        shapes.put("ProgressOutcome", written(new ReportProgress.Outcome(true, false)));
        shapes.put("JobOutcome", written(new AgentViews.JobOutcome(leased.id(), "Completed", 0)));
        shapes.put("QueueDepth", written(queue));
        shapes.put("QueueDepthSample", written(new AdminRoutes.QueueSampleView(now, 2, 30L)));
        io.controlplane.domain.OrganisationThrottle throttle = io.controlplane.domain.OrganisationThrottle.reported(null,
                "dev.azure.com:contoso", now, java.time.Duration.ofSeconds(60), 0, 4, java.time.Duration.ofSeconds(30));
        shapes.put("QueueList", written(Map.of("items", List.of(queue), "throttledOrganisations",
                List.of(AdminRoutes.ThrottledView.of(throttle, now)))));
        shapes.put("ThrottleOutcome", written(new io.controlplane.app.ThrottleReports.Outcome("dev.azure.com:contoso", now, 0, 0)));
        shapes.put("OrganisationStatus", written(new io.controlplane.app.TenantOrganisations.Status("dev.azure.com:contoso", 2, 4)));
        shapes.put("EntitlementView", written(new AdminRoutes.EntitlementView("tenant-a", "Platinum", List.of("westeurope"),
                "contoso-platinum", 20, List.of("kv-contoso", "kv-shared/contoso-"), List.of("contoso-platinum"), 2)));
        JobRoutes.CheckpointView checkpoint = JobRoutes.CheckpointView.of(new Checkpoint(leased.id(), "workitems",
                Checkpoint.Kind.cursor, Map.of("lastId", 48213), 1, now));
        shapes.put("CheckpointView", written(checkpoint));
        // as JobRoutes answers GET /api/jobs/{jobId}/checkpoints
        shapes.put("CheckpointPage", written(Map.of("items", List.of(checkpoint))));
        shapes.put("MappingRecorded", written(new MappingRoutes.RecordedView(2, 0)));
        MappingRoutes.MappingView mapping = new MappingRoutes.MappingView("workItem", "1", "101");
        shapes.put("IdMapping", written(mapping));
        shapes.put("MappingPage", written(new MappingRoutes.MappingPage(List.of(mapping), null)));
        // as AdminRoutes answers GET /api/admin/tenants/{tenantId}/export (live: theTenantExportIsWhatTheDocumentDescribes)
        AdminRoutes.JobExport jobExport = new AdminRoutes.JobExport(JobView.of(leased), leased.spec(),
                List.of(JobRoutes.HistoryView.of(submitted.entry())), List.of(checkpoint));
        AdminRoutes.IdempotencyKeyExport keyExport = new AdminRoutes.IdempotencyKeyExport("4f1c2b8e-key", leased.id());
        AdminRoutes.MappingExport mappingExport = new AdminRoutes.MappingExport("contoso-alpha-to-fabrikam-beta",
                List.of(new IdMapping("workItem", "1", "101")));
        shapes.put("JobExport", written(jobExport));
        shapes.put("IdempotencyKeyExport", written(keyExport));
        shapes.put("MappingExport", written(mappingExport));
        shapes.put("TenantExport", written(new AdminRoutes.TenantExport("tenant-a", now, null, List.of(jobExport),
                List.of(keyExport), List.of(mappingExport), List.<Object>of(AgentViews.of(agent, null)),
                List.of(new AdminRoutes.OrganisationLimitView("dev.azure.com:contoso", 2)))));

        List<String> problems = new ArrayList<>();
        shapes.forEach((schema, json) -> {
            Set<String> documented = fieldNames(schema("/components/schemas/" + schema).path("properties"));
            Set<String> actual = fieldNames(json);
            if (!documented.equals(actual)) {
                problems.add(schema + ": documented " + documented + ", written " + actual);
            }
        });
        // Jackson writes every field, null or not, so these schemas must require all of them: all but
        // those written only when present (a job's waitingFor, a command's backOff, a progress's eta).
        shapes.put("JobView", view);
        shapes.put("Progress", view.get("progress"));
        shapes.put("AgentCommand", beat.get("commands").get(0));
        for (String schema : List.of("JobView", "Progress", "HistoryEntry", "JobPage", "HistoryPage", "AgentView",
                "AgentLeaseSummary", "AgentList", "LeaseView", "HeartbeatAnswer", "AgentCommand", "ProgressOutcome", "JobOutcome",
                "QueueDepth", "QueueDepthSample", "QueueList", "EntitlementView", "CheckpointView", "CheckpointPage", "MappingRecorded", "IdMapping",
                "MappingPage", "JobExport", "IdempotencyKeyExport", "MappingExport", "TenantExport", "ThrottleOutcome", "OrganisationStatus")) {
            Set<String> required = new TreeSet<>(texts(schema("/components/schemas/" + schema).path("required")));
            if (!required.equals(fieldNames(shapes.get(schema)))) {
                problems.add(schema + ": required " + required + ", always written " + fieldNames(shapes.get(schema)));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theTenantRoutesWriteWhatTheDocumentDescribes() {
        ApiFixture api = new ApiFixture();
        String tenant = "provider"; // ApiFixture's agent tokens are of this tenant: the export shows the agent too
        String admin = api.adminToken();
        String client = api.clientToken(tenant);
        String agent = api.agentToken("agent-we-01");
        String base = "/api/admin/tenants/" + tenant;

        // Nothing stored yet: an export of empty lists and no entitlement, and no entitlement to read.
        ApiResponse empty = api.call("GET", base + "/export", admin, null);
        assertThat(empty.status()).as(empty.bodyText()).isEqualTo(200);
        List<String> problems = new ArrayList<>();
        conform(api.body(empty), operationSchema("GET /api/admin/tenants/{tenantId}/export", "200"), "export(empty)", problems);
        assertThat(api.call("GET", base, admin, null).status()).isEqualTo(404);

        ApiResponse entitled = api.call("PUT", base, admin,
                "{\"tier\":\"Platinum\",\"regions\":[\"westeurope\"],\"maxConcurrentJobs\":20,\"keyVaults\":[\"kv-contoso\"],"
                        + "\"envPools\":[\"contoso-platinum\"]}");
        assertThat(entitled.status()).as(entitled.bodyText()).isEqualTo(200);
        ApiResponse read = api.call("GET", base, admin, null);
        assertThat(read.status()).as(read.bodyText()).isEqualTo(200);
        assertThat(api.body(read)).isEqualTo(api.body(entitled));
        conform(api.body(read), operationSchema("GET /api/admin/tenants/{tenantId}", "200"), "tenant", problems);

        assertThat(api.call("PUT", "/api/agents/agent-we-01", agent,
                "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"],\"slots\":2}").status()).isEqualTo(200);
        ApiResponse submitted = api.call("POST", "/api/jobs", client, ApiFixture.SPEC, Map.of("Idempotency-Key", "4f1c2b8e"));
        assertThat(submitted.status()).as(submitted.bodyText()).isEqualTo(201);
        ApiResponse lease = api.call("POST", "/api/agents/agent-we-01/lease?waitSeconds=0", agent, null);
        assertThat(lease.status()).as(lease.bodyText()).isEqualTo(200);
        String leases = "/api/leases/" + api.body(lease).path("leaseId").asText();
        assertThat(api.call("PUT", leases + "/checkpoints/workitems", agent,
                "{\"kind\":\"cursor\",\"data\":{\"lastId\":48213}}").status()).isEqualTo(200);
        assertThat(api.call("POST", leases + "/mappings", agent,
                "{\"items\":[{\"type\":\"workItem\",\"sourceId\":\"1\",\"targetId\":\"101\"}]}").status()).isEqualTo(200);

        ApiResponse export = api.call("GET", base + "/export", admin, null);
        assertThat(export.status()).as(export.bodyText()).isEqualTo(200);
        JsonNode body = api.body(export);
        // Every list holds an item, so every schema of the export is compared with what was written.
        for (String list : List.of("jobs", "idempotencyKeys", "mappings", "agents")) {
            assertThat(body.path(list).size()).as(list).isEqualTo(1);
        }
        assertThat(body.at("/jobs/0/history").size()).isGreaterThan(1);
        assertThat(body.at("/jobs/0/checkpoints").size()).isEqualTo(1);
        assertThat(body.at("/agents/0/leases").size()).isEqualTo(1);
        assertThat(body.at("/agents/0/healthy").isNull()).isTrue();
        conform(body, operationSchema("GET /api/admin/tenants/{tenantId}/export", "200"), "export", problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void theExampleExportHasTheShapeOfTheSchema() {
        List<String> problems = new ArrayList<>();
        JsonNode example = doc.at("/components/examples/TenantExport/value");
        assertThat(example.isObject()).isTrue();
        conform(example, schema("/components/schemas/TenantExport"), "example TenantExport", problems);
        assertThat(problems).isEmpty();
    }

    /**
     * Checks {@code value} against {@code schema} as far as the field names go: every object whose
     * schema lists properties has exactly those fields (no more, no fewer; those written only when present may be absent), and a null appears only
     * where the schema allows null. Follows $ref, arrays and nullable anyOf/oneOf.
     */
    private static void conform(JsonNode value, JsonNode schema, String at, List<String> problems) {
        JsonNode s = resolve(schema);
        if (value.isNull()) {
            if (!allowsNull(s)) {
                problems.add(at + ": null, but the schema does not allow null");
            }
            return;
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            for (JsonNode branch : s.path(combinator)) {
                if (!"null".equals(resolve(branch).path("type").asText())) {
                    conform(value, branch, at, problems);
                    return;
                }
            }
        }
        if (value.isObject() && s.has("properties")) {
            Set<String> documented = fieldNames(s.get("properties"));
            Set<String> actual = fieldNames(value);
            Set<String> missing = new TreeSet<>(documented);
            missing.removeAll(actual);
            missing.removeAll(optionalFields(s));
            if (!documented.containsAll(actual) || !missing.isEmpty()) {
                problems.add(at + ": documented " + documented + ", written " + actual);
            }
            value.fields().forEachRemaining(f -> {
                if (s.get("properties").has(f.getKey())) {
                    conform(f.getValue(), s.get("properties").get(f.getKey()), at + "." + f.getKey(), problems);
                }
            });
        } else if (value.isArray() && s.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                conform(value.get(i), s.get("items"), at + "[" + i + "]", problems);
            }
        }
    }

    /**
     * The fields written only when present ({@code JsonInclude.NON_NULL}: a job's {@code waitingFor},
     * a command's {@code backOff}); every other field is written, null or not.
     */
    private static Set<String> optionalFields(JsonNode schema) {
        Set<String> optional = new TreeSet<>(Set.of("waitingFor", "backOff", "eta"));
        optional.retainAll(fieldNames(schema.path("properties")));
        optional.removeAll(texts(schema.path("required")));
        return optional;
    }

    private static boolean allowsNull(JsonNode schema) {
        JsonNode s = resolve(schema);
        JsonNode type = s.get("type");
        if (type == null) {
            for (String combinator : List.of("anyOf", "oneOf")) {
                for (JsonNode branch : s.path(combinator)) {
                    if (allowsNull(branch)) {
                        return true;
                    }
                }
            }
            return !s.has("anyOf") && !s.has("oneOf") && !s.has("properties"); // no type: any value
        }
        return type.isArray() ? texts(type).contains("null") : "null".equals(type.asText());
    }

    /** The JSON schema of an operation's response. */
    private static JsonNode operationSchema(String operation, String status) {
        JsonNode op = operations().get(operation);
        if (op == null) {
            return fail(operation + " is not in " + file);
        }
        JsonNode schema = resolve(op.path("responses").path(status)).at("/content/application~1json/schema");
        if (schema.isMissingNode()) {
            return fail(operation + " " + status + " has no application/json schema");
        }
        return schema;
    }

    // --- reading the document ---

    private static Map<String, Route> routesByKey() {
        Map<String, Route> routes = new LinkedHashMap<>();
        for (Route route : HttpApi.describeRoutes()) {
            routes.put(route.method().toUpperCase(Locale.ROOT) + " " + route.path().template(), route);
        }
        return routes;
    }

    /** "METHOD /path" to the operation object. */
    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(item -> {
            if (HTTP_METHODS.contains(item.getKey().toLowerCase(Locale.ROOT))) {
                operations.put(item.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), item.getValue());
            }
        }));
        return operations;
    }

    private static JsonNode schema(String pointer) {
        JsonNode node = doc.at(pointer);
        if (node.isMissingNode()) {
            fail(pointer + " is missing from " + file);
        }
        return resolve(node);
    }

    private static JsonNode property(String schema, String property) {
        return resolve(schema("/components/schemas/" + schema).path("properties").path(property));
    }

    private static JsonNode queryParameter(String operation, String name) {
        return parameter(operation, "query", name);
    }

    private static JsonNode parameter(String operation, String in, String name) {
        JsonNode op = operations().get(operation);
        if (op == null) {
            return fail(operation + " is not in " + file);
        }
        for (JsonNode parameter : op.path("parameters")) {
            JsonNode p = resolve(parameter);
            if (name.equals(p.path("name").asText()) && in.equals(p.path("in").asText())) {
                return p;
            }
        }
        return fail(operation + " has no " + in + " parameter " + name);
    }

    /** Follows local $refs ("#/components/..."). */
    private static JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/") || hops > 20) {
                fail("Cannot follow $ref " + ref);
            }
            current = doc.at(ref.substring(1));
            if (current.isMissingNode()) {
                fail("$ref " + ref + " points nowhere in " + file);
            }
        }
        return current;
    }

    /** The enum of a schema, looking through $ref and anyOf/oneOf/allOf (as for a nullable enum). */
    private static List<String> enumOf(JsonNode schema) {
        JsonNode s = resolve(schema);
        if (s.has("enum")) {
            return texts(s.get("enum"));
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            for (JsonNode branch : s.path(combinator)) {
                List<String> values = enumOf(branch);
                if (!values.isEmpty()) {
                    return values;
                }
            }
        }
        return List.of();
    }

    private interface Visitor {
        void visit(JsonNode node, String at);
    }

    private static void walk(JsonNode node, String at, Visitor visitor) {
        if (node.isObject()) {
            visitor.visit(node, at);
            node.fields().forEachRemaining(f -> walk(f.getValue(), at + "/" + f.getKey(), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), at + "/" + i, visitor);
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    // --- the code's side ---

    private static JobSpecValidator validator() {
        return new JobSpecValidator(Set.of("westeurope"), 256 * 1024, Json.mapper());
    }

    private static JsonNode written(Object body) throws IOException {
        ObjectMapper json = Json.mapper();
        return json.readTree(json.writeValueAsBytes(body));
    }
}
