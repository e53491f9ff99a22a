package io.controlplane.adapters.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpPipelineCallContext;
import io.controlplane.api.Json;
import io.controlplane.app.JobIdGenerator;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpecs;
import io.controlplane.ports.JobStore;
import io.controlplane.testing.Azurite;
import io.controlplane.testing.ObservingPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job write is one request: the job row's new ETag comes from the transaction's own answer, not
 * from reading the row back (the SDK's transaction result keeps no headers; {@link BatchEtags} reads
 * them). Before, every job write (claim, progress, completion) cost a point read more.
 */
class BatchEtagsTest {

    private static final Map<String, AtomicInteger> REQUESTS = new ConcurrentHashMap<>();
    private static TableStorage storage;
    private static JobStore jobs;

    @BeforeAll
    static void connect() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "be" + System.nanoTime(), Json.mapper(),
                List.of(new ObservingPolicy() {
                    @Override
                    protected void see(HttpPipelineCallContext context) {
                        String path = context.getHttpRequest().getUrl().getPath();
                        String kind = path.endsWith("$batch") ? "BATCH" : context.getHttpRequest().getHttpMethod().name();
                        REQUESTS.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    }
                })).ensureTables();
        jobs = storage.jobStore();
    }

    @AfterAll
    static void drop() {
        storage.dropTables();
    }

    @Test
    void creatingAndUpdatingAJobIsOneRequestEachAndTheETagItGivesBackIsTheRowsOwn() {
        Instant t0 = Instant.now();
        Job.Transition submitted = Job.submitted(new JobIdGenerator(Clock.systemUTC()).next(), "contoso",
                JobSpecs.aJobSpec().build(), t0, "client-1");
        REQUESTS.clear();
        Job created = jobs.create(submitted.job(), submitted.entry());
        assertThat(REQUESTS).containsOnlyKeys("BATCH");

        REQUESTS.clear();
        Job.Transition assigned = created.assign("agent-1", "lease-1", t0.plusSeconds(60), t0.plusSeconds(1));
        Job leased = jobs.update(assigned.job(), List.of(assigned.entry()));
        assertThat(REQUESTS).as("requests of one job update").containsOnlyKeys("BATCH");
        assertThat(REQUESTS.get("BATCH").get()).isEqualTo(1);

        // The ETag is the stored row's: a write conditional on it is accepted, and it is what a read gives.
        assertThat(leased.etag()).isEqualTo(jobs.find("contoso", leased.id()).orElseThrow().etag());
        Job.Transition started = leased.start(t0.plusSeconds(2));
        assertThat(jobs.update(started.job(), List.of(started.entry())).etag()).isNotEqualTo(leased.etag());
    }

    @Test
    void theAnswerIsReadOnePartPerAction() {
        String answer = """
                --batchresponse_1
                Content-Type: multipart/mixed; boundary=changesetresponse_2

                --changesetresponse_2
                Content-Type: application/http

                HTTP/1.1 204 No Content
                DataServiceVersion: 3.0;
                ETag: W/"datetime'2026-12-02T03%3A08%3A55.9994364Z'"

                --changesetresponse_2
                Content-Type: application/http

                HTTP/1.1 204 No Content
                X-Content-Type-Options: nosniff

                --changesetresponse_2
                Content-Type: application/http

                HTTP/1.1 201 Created
                etag: W/"datetime'2026-12-02T03%3A08%3A55.9994373Z'
                --changesetresponse_2--
                --batchresponse_1--
                """.replace("\n", "\r\n");
        assertThat(BatchEtags.parse(answer)).containsExactly("W/\"datetime'2026-12-02T03%3A08%3A55.9994364Z'\"", null,
                "W/\"datetime'2026-12-02T03%3A08%3A55.9994373Z'\"");
    }
}
