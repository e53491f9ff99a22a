package io.controlplane.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.domain.JobSpecs;
import io.controlplane.generated.api.AgentsApi;
import io.controlplane.generated.api.JobsApi;
import io.controlplane.generated.api.LeasesApi;
import io.controlplane.generated.client.ApiClient;
import io.controlplane.generated.client.ApiException;
import io.controlplane.generated.client.ApiResponse;
import io.controlplane.generated.model.AgentRegistration;
import io.controlplane.generated.model.AgentView;
import io.controlplane.generated.model.CheckpointKind;
import io.controlplane.generated.model.CheckpointView;
import io.controlplane.generated.model.CheckpointWrite;
import io.controlplane.generated.model.Endpoint;
import io.controlplane.generated.model.EndpointType;
import io.controlplane.generated.model.FieldError;
import io.controlplane.generated.model.GitCheckpoint;
import io.controlplane.generated.model.HistoryEntry;
import io.controlplane.generated.model.JobKind;
import io.controlplane.generated.model.JobOutcome;
import io.controlplane.generated.model.JobPage;
import io.controlplane.generated.model.JobSpec;
import io.controlplane.generated.model.JobState;
import io.controlplane.generated.model.JobView;
import io.controlplane.generated.model.LeaseView;
import io.controlplane.generated.model.Policy;
import io.controlplane.generated.model.Problem;
import io.controlplane.generated.model.ProgressOutcome;
import io.controlplane.generated.model.ProgressReport;
import io.controlplane.generated.model.Tier;
import io.controlplane.standalone.HostProcess;
import io.controlplane.testing.Azurite;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's whole lifecycle through the Java client that openapi-generator made from
 * docs/openapi.yaml at build time (library {@code native}), against a standalone host as a real
 * process on Azurite: what a consumer generating a client from the document gets must work. The
 * client's mapper refuses fields the document does not declare, and its enums refuse values the
 * document does not list, so a response that drifted from the document fails here too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedClientTest {

    private static final String AGENT = "agent-generated-01";

    @TempDir
    static Path work;

    private HostProcess host;
    private DevIssuer issuer;
    private String clientToken;
    private JobsApi jobs;
    private AgentsApi agents;
    private LeasesApi leases;
    private ObjectMapper mapper;

    @BeforeAll
    void start() {
        Path keyFile = work.resolve("dev-issuer-key.json");
        host = HostProcess.start(work, Azurite.shared(), "gen" + System.nanoTime() % 100000, keyFile, Map.of());
        issuer = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
        mapper = ApiClient.createDefaultObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        clientToken = issuer.token("contoso", "generated-client", List.of("Jobs.Submit", "Jobs.Read", "Jobs.Manage"), Duration.ofHours(1));
        jobs = new JobsApi(client(clientToken, mapper));
        ApiClient agent = client(issuer.token("provider", AGENT, List.of("Agents.Run"), Duration.ofHours(1)), mapper);
        agents = new AgentsApi(agent);
        leases = new LeasesApi(agent);
    }

    @AfterAll
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    /** The generated client on the host, every request with the bearer token. */
    private ApiClient client(String token, ObjectMapper mapper) {
        return new ApiClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)), mapper, "http://127.0.0.1:" + host.port())
                .setReadTimeout(Duration.ofSeconds(30))
                .setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
    }

    /** The example spec of docs/openapi.yaml ({@code JobSpecMigrate}), as the generated model. */
    private static JobSpec exampleSpec() {
        try {
            return ApiClient.createDefaultObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .readValue(JobSpecs.API_EXAMPLE, JobSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the example spec does not fit the generated model", e);
        }
    }

    /** The problem document of a refused call, read with the generated model. */
    private Problem problem(ApiException refused) throws Exception {
        assertThat(refused.getResponseHeaders().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        return mapper.readValue(refused.getResponseBody(), Problem.class);
    }

    @Test
    void aJobsLifecycleThroughTheGeneratedClient() throws Exception {
        // An invalid spec: 400, every problem at once, field by field, through the client's exception.
        JobSpec invalid = exampleSpec()
                .region("Mars!")
                .source(new Endpoint().type(EndpointType.AZURE_DEV_OPS).url("ftp://dev.azure.com/contoso").project("Alpha")
                        .credentialRef("https://kv-contoso.vault.azure.net/secrets/src-pat"))
                .policy(new Policy().maxRetries(99).preemptible(true));
        ApiException refused = catchThrowableOfType(ApiException.class, () -> jobs.submitJob(invalid, null, null, null, null));
        assertThat(refused).as("an invalid spec must be refused").isNotNull();
        assertThat(refused.getCode()).isEqualTo(400);
        Problem validation = problem(refused);
        assertThat(validation.getType()).isEqualTo(URI.create("urn:controlplane:problem:validation"));
        assertThat(validation.getStatus()).isEqualTo(400);
        assertThat(validation.getErrors()).extracting(FieldError::getField)
                .contains("region", "source.url", "policy.maxRetries");
        assertThat(validation.getErrors()).allSatisfy(e -> assertThat(e.getMessage()).isNotBlank());
        assertThat(jobs.listJobs(null, null, null, 500, null, null, null).getItems()).as("nothing stored").isEmpty();

        // A dry run: its answer is the document's 2XX (200), while the generated submitJob is typed by
        // the 201 (JobView); with the generator's default, lenient mapper the status is the verdict.
        JobsApi lenient = new JobsApi(client(clientToken, ApiClient.createDefaultObjectMapper()));
        assertThat(lenient.submitJobWithHttpInfo(exampleSpec(), null, null, null, true).getStatusCode()).isEqualTo(200);
        ApiException refusedDryRun = catchThrowableOfType(ApiException.class, () -> lenient.submitJob(invalid, null, null, null, true));
        assertThat(refusedDryRun).as("an invalid spec must be refused by a dry run too").isNotNull();
        assertThat(refusedDryRun.getCode()).isEqualTo(400);
        assertThat(problem(refusedDryRun).getErrors()).extracting(FieldError::getField).contains("region", "source.url", "policy.maxRetries");
        assertThat(jobs.listJobs(null, null, null, 500, null, null, null).getItems()).as("nothing stored by a dry run").isEmpty();

        // Submit: 201 with the job, typed as the document's JobView.
        ApiResponse<JobView> created = jobs.submitJobWithHttpInfo(exampleSpec(), null, null, null, null);
        assertThat(created.getStatusCode()).isEqualTo(201);
        JobView submitted = created.getData();
        String id = submitted.getId();
        assertThat(id).isNotBlank();
        assertThat(created.getHeaders().get("Location")).containsExactly("/api/jobs/" + id);
        assertThat(submitted.getState()).isEqualTo(JobState.QUEUED);
        assertThat(submitted.getTenantId()).isEqualTo("contoso");
        assertThat(submitted.getSpec()).isEqualTo(exampleSpec());

        // Read it.
        JobView read = jobs.getJob(id, null, null);
        assertThat(read.getId()).isEqualTo(id);
        assertThat(read.getName()).isEqualTo("contoso/Alpha to fabrikam/Beta");
        assertThat(read.getTier()).isEqualTo(Tier.PREMIUM);
        assertThat(read.getRegion()).isEqualTo("westeurope");
        assertThat(read.getKind()).isEqualTo(JobKind.MIGRATE);
        assertThat(read.getState()).isEqualTo(JobState.QUEUED);
        assertThat(read.getAgentId()).isNull();
        assertThat(read.getAttempt()).isZero();
        assertThat(read.getPreemptions()).isZero();
        assertThat(read.getCreatedAt()).isNotNull().isBeforeOrEqualTo(OffsetDateTime.now());
        assertThat(read.getSpec()).isEqualTo(exampleSpec());

        // List: the job, filtered by state, tier and region.
        JobPage queued = jobs.listJobs(JobState.QUEUED, Tier.PREMIUM, "westeurope", 500, null, null, null);
        assertThat(queued.getItems()).extracting(JobView::getId).containsExactly(id);
        assertThat(jobs.listJobs(JobState.RUNNING, null, null, 500, null, null, null).getItems()).isEmpty();

        // An agent registers and leases the job.
        AgentView registered = agents.registerAgent(AGENT, new AgentRegistration().region("westeurope").pool("shared")
                .capabilities(List.of("azure-devops")).slots(1), null, null);
        assertThat(registered.getId()).isEqualTo(AGENT);
        assertThat(registered.getRegion()).isEqualTo("westeurope");
        assertThat(registered.getCapabilities()).containsExactly("azure-devops");
        assertThat(registered.getSlots()).isEqualTo(1);
        assertThat(registered.getDraining()).isFalse();

        LeaseView lease = agents.leaseJob(AGENT, 10, null, null);
        assertThat(lease).as("a lease within 10 s").isNotNull();
        assertThat(lease.getJobId()).isEqualTo(id);
        assertThat(lease.getTenantId()).isEqualTo("contoso");
        assertThat(lease.getEpoch()).isEqualTo(1L);
        assertThat(lease.getExpiresAt()).isAfter(OffsetDateTime.now());
        assertThat(lease.getSpec()).isEqualTo(exampleSpec());
        assertThat(lease.getCheckpoints()).isEmpty();
        assertThat(lease.getResumed()).isFalse();
        assertThat(lease.getHeartbeatIntervalSeconds()).isPositive();
        String leaseId = lease.getLeaseId();
        assertThat(jobs.getJob(id, null, null).getAgentId()).isEqualTo(AGENT);

        // Progress, then checkpoints of both kinds.
        ProgressOutcome progress = leases.reportProgress(leaseId,
                new ProgressReport().percent(40.0).counters(Map.of("workItems", 120L)).message("120 of 300 work items"), null, null);
        assertThat(progress.getStored()).isTrue();
        JobView running = jobs.getJob(id, null, null);
        assertThat(running.getState()).isEqualTo(JobState.RUNNING);
        assertThat(running.getProgress().getPercent()).isEqualTo(40.0);
        assertThat(running.getProgress().getCounters()).containsExactlyEntriesOf(Map.of("workItems", 120L));
        assertThat(running.getProgress().getMessage()).isEqualTo("120 of 300 work items");

        CheckpointView cursor = leases.saveCheckpoint(leaseId, "cursor",
                new CheckpointWrite().kind(CheckpointKind.CURSOR).data(Map.of("lastId", 48213)), null, null);
        assertThat(cursor.getName()).isEqualTo("cursor");
        assertThat(cursor.getKind()).isEqualTo(CheckpointKind.CURSOR);
        assertThat(cursor.getEpoch()).isEqualTo(1L);
        assertThat(cursor.getData()).isEqualTo(Map.of("lastId", 48213));
        String commit = "0123456789abcdef0123456789abcdef01234567";
        CheckpointView git = leases.saveCheckpoint(leaseId, "repo",
                new CheckpointWrite().kind(CheckpointKind.GIT).data(new GitCheckpoint().repo("Beta").ref("refs/heads/main").commit(commit)),
                null, null);
        assertThat(git.getKind()).isEqualTo(CheckpointKind.GIT);
        assertThat(git.getData()).isEqualTo(Map.of("repo", "Beta", "ref", "refs/heads/main", "commit", commit));

        // Complete.
        JobOutcome done = leases.completeJob(leaseId, null, null);
        assertThat(done.getJobId()).isEqualTo(id);
        assertThat(done.getState()).isEqualTo(JobState.COMPLETED);
        assertThat(done.getFailures()).isZero();
        assertThat(jobs.getJob(id, null, null).getState()).isEqualTo(JobState.COMPLETED);

        // The lease is gone: 409 lease-lost, through the client's exception.
        ApiException lost = catchThrowableOfType(ApiException.class,
                () -> leases.reportProgress(leaseId, new ProgressReport().percent(50.0), null, null));
        assertThat(lost).as("progress on a finished lease must be refused").isNotNull();
        assertThat(lost.getCode()).isEqualTo(409);
        assertThat(problem(lost).getType()).isEqualTo(URI.create("urn:controlplane:problem:lease-lost"));

        // History and checkpoints.
        List<HistoryEntry> history = jobs.getJobHistory(id, null, null).getItems();
        assertThat(history).extracting(HistoryEntry::getTo)
                .containsExactly(JobState.QUEUED, JobState.ASSIGNED, JobState.RUNNING, JobState.COMPLETED);
        assertThat(history).extracting(HistoryEntry::getFrom)
                .containsExactly(null, JobState.QUEUED, JobState.ASSIGNED, JobState.RUNNING);
        assertThat(history).extracting(HistoryEntry::getSequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(history).allSatisfy(e -> assertThat(e.getAt()).isNotNull());

        List<CheckpointView> checkpoints = jobs.getJobCheckpoints(id, null, null).getItems();
        assertThat(checkpoints).extracting(CheckpointView::getName).containsExactly("cursor", "repo");
        assertThat(checkpoints.get(0).getData()).isEqualTo(Map.of("lastId", 48213));
        assertThat(checkpoints.get(1).getData()).isEqualTo(Map.of("repo", "Beta", "ref", "refs/heads/main", "commit", commit));
        assertThat(checkpoints).extracting(CheckpointView::getEpoch).containsOnly(1L);

        Set<String> completed = new LinkedHashSet<>();
        jobs.listJobs(JobState.COMPLETED, null, null, 500, null, null, null).getItems().forEach(j -> completed.add(j.getId()));
        assertThat(completed).containsExactly(id);
    }
}
