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
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Page;
import io.controlplane.domain.Progress;
import io.controlplane.domain.ProgressHistory;
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
        return JobSpecs.aJobSpec().withTier(tier).withRegion(region)
                .withTarget(new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/fabrikam", "Beta", "env:TARGET_PAT"))
                .withMappingScope("contoso-alpha").withConfig(config).build();
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
    void progressHistoryRoundTripsWithTheProgressInTheSameRow() {
        Job job = submit(tenant, Tier.Standard, "westeurope");
        Job withReports = job;
        for (int i = 0; i < 50; i++) {
            long epoch = i < 25 ? 1 : 2; // two leases: a new run segment
            withReports = new Job(job.id(), tenant, job.spec(), job.state(), "agent-7", 1, 0, epoch, withReports.progress(),
                    job.createdAt(), job.updatedAt(), job.historySequence(), job.etag())
                    .withReport(new Progress(i * 1.5, Map.of("workItems", (long) i), "stage " + i,
                            T0.plusMillis(30_000L * i + 7)), T0.plusSeconds(30L * i));
        }
        assertThat(withReports.progress().history().samples()).hasSizeBetween(3, ProgressHistory.MAX_SAMPLES);

        store.update(withReports, List.of());

        Job found = store.find(tenant, job.id()).orElseThrow();
        assertThat(found.progress().history()).isEqualTo(withReports.progress().history());
        assertThat(found).usingRecursiveComparison().ignoringFields("etag").isEqualTo(withReports);
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

    private Job.Transition queued(String tenantId) {
        return Job.submitted(ids.next(), tenantId, spec(Tier.Standard, "westeurope"), T0, "client-1");
    }

    private Job create(String tenantId, io.controlplane.domain.IdempotencyKey key, int limit) {
        Job.Transition t = queued(tenantId);
        return store.create(t.job(), t.entry(), key, limit);
    }

    private Job finish(Job job, JobState end, Instant at) {
        Job.Transition t = job.transition(end, at, "test", "client-1");
        return store.update(t.job(), List.of(t.entry()));
    }

    @Test
    void aCreationBeyondTheTenantsUnfinishedJobLimitIsRefusedAndStoresNothing() {
        Job first = create(tenant, null, 2);
        Job.Transition second = queued(tenant);
        store.create(second.job(), second.entry(), null, 2);
        Job.Transition third = queued(tenant);

        assertThatThrownBy(() -> store.create(third.job(), third.entry(), null, 2))
                .isInstanceOf(io.controlplane.domain.QuotaExceededException.class)
                .hasMessageContaining("2 unfinished");
        assertThat(store.find(tenant, third.job().id())).isEmpty();
        assertThat(store.list(tenant, JobFilter.none(), 10, null).items()).hasSize(2);
        assertThat(create("other-" + tenant, null, 2))
                .as("another tenant has its own count").isNotNull();

        finish(first, JobState.Cancelled, T0.plusSeconds(1));

        assertThat(store.create(third.job(), third.entry(), null, 2).id()).as("a finished job frees its slot")
                .isEqualTo(third.job().id());
    }

    @Test
    void unfinishedJobsAreCountedUpToTheLimitAskedFor() {
        assertThat(store.unfinishedJobs(tenant, 5)).isZero();
        Job first = create(tenant, null, JobStore.UNLIMITED);
        create(tenant, null, JobStore.UNLIMITED);
        create(tenant, null, JobStore.UNLIMITED);
        create("other-" + tenant, null, JobStore.UNLIMITED);
        assertThat(store.unfinishedJobs(tenant, 5)).isEqualTo(3);
        assertThat(store.unfinishedJobs(tenant, 2)).as("counted no further than asked").isEqualTo(2);
        finish(first, JobState.Cancelled, T0.plusSeconds(1));
        assertThat(store.unfinishedJobs(tenant, 5)).isEqualTo(2);
    }

    @Test
    void everyWayOfFinishingOrErasingAJobFreesItsSlotAndJobsCreatedWithoutALimitCount() {
        Job unlimited = create(tenant, null, JobStore.UNLIMITED);
        Job failed = create(tenant, null, 4);
        Job completed = create(tenant, null, 4);
        Job erased = create(tenant, null, 4);
        assertThatThrownBy(() -> create(tenant, null, 4)).as("the job created without a limit counts too")
                .isInstanceOf(io.controlplane.domain.QuotaExceededException.class);

        Job.Transition leased = completed.transition(JobState.Assigned, T0.plusSeconds(1), "leased", "agent");
        Job.Transitions done = store.update(leased.job(), List.of(leased.entry()))
                .transition(JobState.Running, T0.plusSeconds(2), "started", "agent")
                .then(j -> j.transition(JobState.Completed, T0.plusSeconds(3), "done", "agent"));
        store.update(done.job(), done.entries());
        assertThat(create(tenant, null, 4)).as("a completed job frees its slot").isNotNull();
        Job.Transitions broke = failed.transition(JobState.Assigned, T0.plusSeconds(1), "leased", "agent")
                .then(j -> j.transition(JobState.Failed, T0.plusSeconds(2), "broke", "agent"));
        store.update(broke.job(), broke.entries());
        assertThat(create(tenant, null, 4)).as("a failed job frees its slot").isNotNull();
        assertThat(store.erase(erased)).isTrue();
        assertThat(create(tenant, null, 4)).as("an erased job frees its slot").isNotNull();
        finish(unlimited, JobState.Cancelled, T0.plusSeconds(4));
        assertThat(create(tenant, null, 4)).as("a cancelled job frees its slot").isNotNull();
        assertThatThrownBy(() -> create(tenant, null, 4)).isInstanceOf(io.controlplane.domain.QuotaExceededException.class);

        store.eraseTenant(tenant);
        assertThat(create(tenant, null, 1)).as("an erased tenant starts with no unfinished jobs").isNotNull();
    }

    @Test
    void concurrentCreationsNeverExceedTheLimit() throws Exception {
        int limit = 3;
        int submitters = 10;
        ExecutorService pool = Executors.newFixedThreadPool(submitters);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < submitters; i++) {
                Job.Transition t = queued(tenant);
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        store.create(t.job(), t.entry(), null, limit);
                        return true;
                    } catch (io.controlplane.domain.QuotaExceededException refused) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int created = 0;
            for (Future<Boolean> result : results) {
                created += result.get() ? 1 : 0;
            }
            assertThat(created).isEqualTo(limit);
            assertThat(store.list(tenant, JobFilter.none(), 50, null).items()).hasSize(limit);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listingFiltersByMappingScopeTheJobsEffectiveScope() {
        Job named = submit(tenant, Tier.Standard, "westeurope");
        JobSpec unnamed = new JobSpec(named.spec().name(), Tier.Standard, "westeurope", JobKind.Migrate, List.of(),
                named.spec().source(), named.spec().target(), null, Map.of(), new JobPolicy(3, true));
        Job.Transition own = Job.submitted(ids.next(), tenant, unnamed, T0, "client-1");
        store.create(own.job(), own.entry());

        assertThat(ids(store.list(tenant, JobFilter.ofMappingScope("contoso-alpha"), 50, null))).containsExactly(named.id());
        assertThat(ids(store.list(tenant, JobFilter.ofMappingScope(own.job().id()), 50, null))).containsExactly(own.job().id());
    }

    @Test
    void erasingAJobDeletesItsHistoryCheckpointsAndKeysAndNothingElse() {
        Job.Transition t = queued(tenant);
        Job job = store.create(t.job(), t.entry(), new io.controlplane.domain.IdempotencyKey("erase-key", "fp", t.job().id()));
        Job keep = create(tenant, new io.controlplane.domain.IdempotencyKey("keep-key", "fp", "x"), JobStore.UNLIMITED);
        Job.Transition done = job.transition(JobState.Cancelled, T0.plusSeconds(1), "test", "client-1");
        job = store.update(done.job(), List.of(done.entry()), List.of(new io.controlplane.domain.Checkpoint(job.id(), "cursor",
                io.controlplane.domain.Checkpoint.Kind.cursor, Map.of("at", 7), 0, T0)));
        Job stale = job;
        Job changed = finishWithProgress(keep);

        assertThat(store.erase(job)).isTrue();

        assertThat(store.find(tenant, job.id())).isEmpty();
        assertThat(store.history(tenant, job.id())).isEmpty();
        assertThat(store.checkpoints(tenant, job.id())).isEmpty();
        assertThat(store.findIdempotencyKey(tenant, "erase-key")).isEmpty();
        assertThat(store.findIdempotencyKey(tenant, "keep-key")).isPresent();
        assertThat(store.find(tenant, keep.id())).isPresent();
        assertThat(store.history(tenant, keep.id())).isNotEmpty();
        assertThat(store.erase(stale)).as("erasing again finds nothing").isFalse();
        assertThatThrownBy(() -> store.erase(keep)).as("a stale etag").isInstanceOf(ConcurrencyConflictException.class);
        assertThat(store.find(tenant, keep.id())).contains(changed);
    }

    private Job finishWithProgress(Job job) {
        Job moved = new Job(job.id(), tenant, job.spec(), job.state(), null, 0, 0, 0,
                new Progress(10, Map.of(), "moved", T0.plusSeconds(2)), job.createdAt(), T0.plusSeconds(2), job.historySequence(),
                job.etag());
        return store.update(moved, List.of());
    }

    @Test
    void erasingATenantDeletesAllItsRowsAndNoOtherTenants() {
        Job.Transition t = queued(tenant);
        Job job = store.create(t.job(), t.entry(), new io.controlplane.domain.IdempotencyKey("k", "fp", t.job().id()));
        Job.Transition started = job.transition(JobState.Assigned, T0.plusSeconds(1), "leased", "agent");
        store.update(started.job(), List.of(started.entry()), List.of(new io.controlplane.domain.Checkpoint(job.id(), "git",
                io.controlplane.domain.Checkpoint.Kind.git, Map.of("commit", "abc"), 1, T0)));
        String other = "other-" + tenant;
        Job theirs = submit(other, Tier.Standard, "westeurope");

        store.eraseTenant(tenant);

        assertThat(store.list(tenant, JobFilter.none(), 50, null).items()).isEmpty();
        assertThat(store.history(tenant, job.id())).isEmpty();
        assertThat(store.checkpoints(tenant, job.id())).isEmpty();
        assertThat(store.idempotencyKeys(tenant)).isEmpty();
        assertThat(store.find(other, theirs.id())).isPresent();
        assertThat(store.history(other, theirs.id())).hasSize(1);
    }

    @Test
    void idempotencyKeysAreListedPerTenant() {
        Job.Transition t = queued(tenant);
        store.create(t.job(), t.entry(), new io.controlplane.domain.IdempotencyKey("list-key", "fp-9", t.job().id()));
        Job.Transition o = queued("other-" + tenant);
        store.create(o.job(), o.entry(), new io.controlplane.domain.IdempotencyKey("other-key", "fp", o.job().id()));

        assertThat(store.idempotencyKeys(tenant)).containsExactly(
                new io.controlplane.domain.IdempotencyKey("list-key", "fp-9", t.job().id()));
    }

    @Test
    void finishedJobsOlderThanACutoffAreFoundAcrossTenants() {
        Instant base = Instant.now().minus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        Job old = create(tenant, null, JobStore.UNLIMITED);
        Job oldOther = create("other-" + tenant, null, JobStore.UNLIMITED);
        Job recent = create(tenant, null, JobStore.UNLIMITED);
        Job unfinished = create(tenant, null, JobStore.UNLIMITED);
        finish(old, JobState.Cancelled, base);
        finish(oldOther, JobState.Cancelled, base.plusSeconds(1));
        finish(recent, JobState.Cancelled, base.plus(10, ChronoUnit.DAYS));

        List<Job> found = store.finishedBefore(base.plus(1, ChronoUnit.DAYS), 1000);

        // Other test runs may have left old finished jobs in a shared store: look only at ours.
        assertThat(found).extracting(Job::id).contains(old.id(), oldOther.id()).doesNotContain(recent.id(), unfinished.id());
        assertThat(store.finishedBefore(base.plus(1, ChronoUnit.DAYS), 1)).hasSize(1);
    }
}
