package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.app.JobIdGenerator;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Endpoint;
import io.controlplane.domain.EndpointType;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobKind;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobPolicy;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Page;
import io.controlplane.domain.Progress;
import io.controlplane.domain.Tier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one contract every {@link JobStore} adapter passes (JobRunr's StorageProviderTest idea):
 * the in-memory adapter and the Table Storage adapter on Azurite both extend it.
 */
public abstract class JobStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    protected JobStore store;
    private String tenant;
    private JobIdGenerator ids;
    private Clock clock;

    /** A fresh, empty store (or one isolated from other tests). */
    protected abstract JobStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        tenant = "tenant-" + UUID.randomUUID();
        clock = Clock.offset(Clock.fixed(T0, ZoneOffset.UTC), java.time.Duration.ZERO);
        ids = new JobIdGenerator(Clock.systemUTC());
    }

    protected static JobSpec spec(Tier tier, String region) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("processors", List.of(Map.of("type", "WorkItemMigration", "wiql", "SELECT [System.Id] FROM WorkItems")));
        config.put("batchSize", 200);
        config.put("ratio", 0.5);
        config.put("dryRun", false);
        return new JobSpec("contoso/Alpha to fabrikam/Beta", tier, region, JobKind.Migrate, List.of("azure-devops"),
                new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/contoso", "Alpha",
                        "https://kv-contoso.vault.azure.net/secrets/src-pat"),
                new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/fabrikam", "Beta", "env:TARGET_PAT"),
                "contoso-alpha", config, new JobPolicy(3, true));
    }

    private Job submit(String tenantId, Tier tier, String region) {
        Job.Transition t = Job.submitted(ids.next(), tenantId, spec(tier, region), T0, "client-1");
        return store.create(t.job(), t.entry());
    }

    @Test
    void createdJobIsFoundWithEverythingItWasStoredWith() {
        Job.Transition t = Job.submitted(ids.next(), tenant, spec(Tier.Premium, "westeurope"), T0, "client-1");
        Job created = store.create(t.job(), t.entry());

        assertThat(created.etag()).isNotBlank();
        Job found = store.find(tenant, created.id()).orElseThrow();
        assertThat(found).usingRecursiveComparison().ignoringFields("etag").isEqualTo(t.job());
        assertThat(found.etag()).isEqualTo(created.etag());
        assertThat(store.history(tenant, created.id())).containsExactly(t.entry());
    }

    @Test
    void creatingTheSameIdTwiceConflictsAndKeepsTheFirst() {
        Job first = submit(tenant, Tier.Standard, "westeurope");
        Job duplicate = new Job(first.id(), tenant, spec(Tier.Platinum, "westeurope"), JobState.Queued, null, 0, 0, 0,
                null, T0, T0, 1, null);

        assertThatThrownBy(() -> store.create(duplicate, new HistoryEntry(first.id(), 1, T0, null, JobState.Queued, "x", "y")))
                .isInstanceOf(ConcurrencyConflictException.class);
        assertThat(store.find(tenant, first.id()).orElseThrow().spec().tier()).isEqualTo(Tier.Standard);
    }

    @Test
    void anIdempotencyKeyIsStoredWithItsJobAndCannotBeTakenTwice() {
        Job.Transition first = Job.submitted(ids.next(), tenant, spec(Tier.Standard, "westeurope"), T0, "client-1");
        store.create(first.job(), first.entry(), new io.controlplane.domain.IdempotencyKey("key-1", "fp-1", first.job().id()));
        Job.Transition second = Job.submitted(ids.next(), tenant, spec(Tier.Standard, "westeurope"), T0, "client-1");

        assertThatThrownBy(() -> store.create(second.job(), second.entry(),
                new io.controlplane.domain.IdempotencyKey("key-1", "fp-2", second.job().id())))
                .isInstanceOf(ConcurrencyConflictException.class);

        assertThat(store.findIdempotencyKey(tenant, "key-1")).contains(
                new io.controlplane.domain.IdempotencyKey("key-1", "fp-1", first.job().id()));
        assertThat(store.find(tenant, second.job().id())).as("nothing of the losing request was stored").isEmpty();
        assertThat(store.findIdempotencyKey("other-" + tenant, "key-1")).isEmpty();
        assertThat(store.list(tenant, JobFilter.none(), 10, null).items()).extracting(Job::id).containsExactly(first.job().id());
    }

    @Test
    void aJobIsInvisibleToOtherTenants() {
        Job job = submit(tenant, Tier.Standard, "westeurope");

        assertThat(store.find("other-" + tenant, job.id())).isEmpty();
        assertThat(store.history("other-" + tenant, job.id())).isEmpty();
        assertThat(store.list("other-" + tenant, JobFilter.none(), 50, null).items()).isEmpty();
    }

    @Test
    void updateWithTheCurrentEtagStoresTheChangeAndItsHistory() {
        Job job = submit(tenant, Tier.Standard, "westeurope");
        Job.Transition cancelled = job.transition(JobState.Cancelled, T0.plusSeconds(5), "by client", "client-1");

        Job updated = store.update(cancelled.job(), List.of(cancelled.entry()));

        assertThat(updated.etag()).isNotBlank().isNotEqualTo(job.etag());
        Job found = store.find(tenant, job.id()).orElseThrow();
        assertThat(found.state()).isEqualTo(JobState.Cancelled);
        assertThat(found.updatedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(found.etag()).isEqualTo(updated.etag());
        assertThat(store.history(tenant, job.id())).extracting(HistoryEntry::to)
                .containsExactly(JobState.Queued, JobState.Cancelled);
    }

    @Test
    void progressAndCountersRoundTrip() {
        Job job = submit(tenant, Tier.Standard, "westeurope");
        Job withProgress = new Job(job.id(), tenant, job.spec(), job.state(), "agent-7", 2, 1, 5,
                new Progress(42.5, Map.of("workItems", 1234L, "revisions", 99_000_000_000L), "stage 2",
                        T0.plusSeconds(9)), job.createdAt(), T0.plusSeconds(9), job.historySequence(), job.etag());

        store.update(withProgress, List.of());

        Job found = store.find(tenant, job.id()).orElseThrow();
        assertThat(found).usingRecursiveComparison().ignoringFields("etag").isEqualTo(withProgress);
    }

    @Test
    void updateWithAStaleEtagConflictsAndChangesNothing() {
        Job job = submit(tenant, Tier.Standard, "westeurope");
        Job.Transition paused = job.transition(JobState.Paused, T0.plusSeconds(1), "operator", "op");
        store.update(paused.job(), List.of(paused.entry()));

        Job.Transition staleCancel = job.transition(JobState.Cancelled, T0.plusSeconds(2), "late", "client-1");
        assertThatThrownBy(() -> store.update(staleCancel.job(), List.of(staleCancel.entry())))
                .isInstanceOf(ConcurrencyConflictException.class);

        assertThat(store.find(tenant, job.id()).orElseThrow().state()).isEqualTo(JobState.Paused);
        assertThat(store.history(tenant, job.id())).extracting(HistoryEntry::to)
                .containsExactly(JobState.Queued, JobState.Paused);
    }

    @Test
    void updatingAMissingJobIsNotFound() {
        Job job = submit(tenant, Tier.Standard, "westeurope");
        Job ghost = new Job(ids.next(), tenant, job.spec(), JobState.Cancelled, null, 0, 0, 0, null, T0, T0, 2, job.etag());

        assertThatThrownBy(() -> store.update(ghost, List.of())).isInstanceOf(JobNotFoundException.class);
        assertThat(store.find(tenant, ghost.id())).isEmpty();
    }

    @Test
    void ofConcurrentWritersOfOneVersionExactlyOneWins() throws Exception {
        Job job = submit(tenant, Tier.Standard, "westeurope");
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String actor = "writer-" + i;
                attempts.add(() -> {
                    Job.Transition t = job.transition(JobState.Cancelled, T0.plusSeconds(1), "race", actor);
                    try {
                        store.update(t.job(), List.of(t.entry()));
                        return true;
                    } catch (ConcurrencyConflictException lost) {
                        return false;
                    }
                });
            }
            int winners = 0;
            for (Future<Boolean> f : pool.invokeAll(attempts)) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.history(tenant, job.id())).hasSize(2);
    }

    @Test
    void listingPagesThroughAllJobsInIdOrderWithoutRepeats() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(submit(tenant, Tier.Standard, "westeurope").id());
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Page<Job> page = store.list(tenant, JobFilter.none(), 3, token);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
            page.items().forEach(j -> seen.add(j.id()));
            token = page.continuationToken();
            pages++;
        } while (token != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created.stream().sorted().toList());
    }

    @Test
    void listingFiltersByStateTierAndRegion() {
        Job standard = submit(tenant, Tier.Standard, "westeurope");
        Job premium = submit(tenant, Tier.Premium, "westeurope");
        Job platinumNorth = submit(tenant, Tier.Platinum, "northeurope");
        Job.Transition cancel = premium.transition(JobState.Cancelled, T0.plusSeconds(1), "x", "y");
        store.update(cancel.job(), List.of(cancel.entry()));

        assertThat(ids(store.list(tenant, new JobFilter(JobState.Queued, null, null), 50, null)))
                .containsExactlyInAnyOrder(standard.id(), platinumNorth.id());
        assertThat(ids(store.list(tenant, new JobFilter(null, Tier.Premium, null), 50, null)))
                .containsExactly(premium.id());
        assertThat(ids(store.list(tenant, new JobFilter(null, null, "northeurope"), 50, null)))
                .containsExactly(platinumNorth.id());
        assertThat(ids(store.list(tenant, new JobFilter(JobState.Queued, Tier.Standard, "westeurope"), 50, null)))
                .containsExactly(standard.id());
    }

    @Test
    void filteredListingStillPagesCorrectly() {
        Set<String> premium = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            Job job = submit(tenant, i % 2 == 0 ? Tier.Premium : Tier.Standard, "westeurope");
            if (job.spec().tier() == Tier.Premium) {
                premium.add(job.id());
            }
        }
        Page<Job> first = store.list(tenant, new JobFilter(null, Tier.Premium, null), 2, null);
        Page<Job> second = store.list(tenant, new JobFilter(null, Tier.Premium, null), 2, first.continuationToken());

        assertThat(first.items()).hasSize(2);
        assertThat(first.continuationToken()).isNotNull();
        assertThat(second.items()).hasSize(1);
        assertThat(second.continuationToken()).isNull();
        Set<String> all = new HashSet<>(ids(first));
        all.addAll(ids(second));
        assertThat(all).isEqualTo(premium);
    }

    @Test
    void aForgedContinuationTokenIsRefused() {
        submit(tenant, Tier.Standard, "westeurope");

        assertThatThrownBy(() -> store.list(tenant, JobFilter.none(), 10, "not-a-token!"))
                .isInstanceOf(InvalidContinuationTokenException.class);
        assertThatThrownBy(() -> store.list(tenant, JobFilter.none(), 10, ContinuationTokens.after("x") + "AAAA"))
                .isInstanceOf(InvalidContinuationTokenException.class);
    }

    @Test
    void historyComesBackOldestFirst() {
        Job job = submit(tenant, Tier.Standard, "westeurope");
        Job.Transition paused = job.transition(JobState.Paused, T0.plusSeconds(1), "operator pause", "op");
        Job afterPause = store.update(paused.job(), List.of(paused.entry()));
        Job.Transition resumed = afterPause.transition(JobState.Queued, T0.plusSeconds(2), "operator resume", "op");
        Job afterResume = store.update(resumed.job(), List.of(resumed.entry()));
        Job.Transition cancelled = afterResume.transition(JobState.Cancelled, T0.plusSeconds(3), "client", "client-1");
        store.update(cancelled.job(), List.of(cancelled.entry()));

        List<HistoryEntry> history = store.history(tenant, job.id());
        assertThat(history).extracting(HistoryEntry::sequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(history.get(3)).isEqualTo(cancelled.entry());
    }

    @Test
    void aSpecAtTheSizeLimitRoundTrips() {
        Map<String, Object> config = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            lines.add("line " + i + " é ü 漢字 😀 " + "x".repeat(100 + i % 7));
        }
        config.put("lines", lines);
        JobSpec base = spec(Tier.Standard, "westeurope");
        JobSpec big = new JobSpec(base.name(), base.tier(), base.region(), base.kind(), base.requiredCapabilities(),
                base.source(), base.target(), base.mappingScope(), config, base.policy());
        Job.Transition t = Job.submitted(ids.next(), tenant, big, T0, "client-1");

        store.create(t.job(), t.entry());

        assertThat(store.find(tenant, t.job().id()).orElseThrow().spec()).isEqualTo(big);
    }

    private static List<String> ids(Page<Job> page) {
        return page.items().stream().map(Job::id).toList();
    }

    @SuppressWarnings("unused")
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
