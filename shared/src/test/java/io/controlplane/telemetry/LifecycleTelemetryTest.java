package io.controlplane.telemetry;

import static io.controlplane.telemetry.TelemetryAttributes.AGENT_ID;
import static io.controlplane.telemetry.TelemetryAttributes.CALLER_TENANT_ID;
import static io.controlplane.telemetry.TelemetryAttributes.CLOUD_REGION;
import static io.controlplane.telemetry.TelemetryAttributes.DISPATCH_OUTCOME;
import static io.controlplane.telemetry.TelemetryAttributes.ERROR_TYPE;
import static io.controlplane.telemetry.TelemetryAttributes.HTTP_REQUEST_METHOD;
import static io.controlplane.telemetry.TelemetryAttributes.HTTP_RESPONSE_STATUS_CODE;
import static io.controlplane.telemetry.TelemetryAttributes.HTTP_ROUTE;
import static io.controlplane.telemetry.TelemetryAttributes.JOB_ID;
import static io.controlplane.telemetry.TelemetryAttributes.LEASE_EPOCH;
import static io.controlplane.telemetry.TelemetryAttributes.LEASE_EXPIRY_CAUSE;
import static io.controlplane.telemetry.TelemetryAttributes.PREEMPTED_FOR_JOB_ID;
import static io.controlplane.telemetry.TelemetryAttributes.PREEMPTED_FOR_TIER;
import static io.controlplane.telemetry.TelemetryAttributes.TENANT_ID;
import static io.controlplane.telemetry.TelemetryAttributes.TIER;
import static io.controlplane.telemetry.TelemetryAttributes.URL_PATH;
import static io.controlplane.telemetry.TelemetryAttributes.tierAndRegion;
import static io.controlplane.telemetry.TelemetryRecorder.gauge;
import static io.controlplane.telemetry.TelemetryRecorder.histogram;
import static io.controlplane.telemetry.TelemetryRecorder.sum;
import static io.controlplane.telemetry.TelemetryRecorder.total;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.ApiFixture;
import io.controlplane.api.ApiResponse;
import io.controlplane.app.DispatchFixture;
import io.controlplane.app.LeaseGrant;
import io.controlplane.app.LeaseWork;
import io.controlplane.app.Preemption;
import io.controlplane.app.Reconcile;
import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.Tier;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job's life through the API, with telemetry on an in-memory SDK: the spans a request, a dispatch,
 * a reconcile pass and a preemption leave (names, kinds, attributes, parents), and the metrics
 * counted on the way (outcomes by tier, assignment latency, preemptions, lease expiries, mappings,
 * queue gauges).
 */
class LifecycleTelemetryTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";
    private static final String REGISTRATION = """
            {"region":"westeurope","pool":"shared","capabilities":["azure-devops","git"],"slots":1}
            """;
    private static final String MAPPINGS = """
            {"items":[{"type":"workItem","sourceId":"1","targetId":"101"},{"type":"workItem","sourceId":"2","targetId":"102"}]}
            """;

    private final TelemetryRecorder recorder = new TelemetryRecorder();
    private final ApiFixture api = new ApiFixture(recorder.telemetry(Clock.systemUTC()),
            DispatchSettings.from(Map.of(DispatchSettings.PREEMPT_AFTER_SECONDS, "0")));
    private final String agent = api.agentToken("agent-1");
    private final String client = api.clientToken("contoso");

    @AfterEach
    void close() {
        api.app.close();
        recorder.close();
    }

    private JsonNode ok(ApiResponse response, int status) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
        return response.body().length == 0 ? null : api.body(response);
    }

    private String submit(Tier tier) {
        String spec = JobSpecs.validSpecJson().put("tier", tier.name()).toString();
        return ok(api.call("POST", "/api/jobs", client, spec), 201).get("id").asText();
    }

    private JsonNode lease() {
        return ok(api.call("POST", "/api/agents/agent-1/lease?waitSeconds=0", agent, null), 200);
    }

    @Test
    void aJobsLifecycleLeavesServerSpansWithTheJobADispatchSpanAndOutcomeMetrics() {
        ok(api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION), 200);
        ApiResponse submitted = api.call("POST", "/api/jobs", client, ApiFixture.SPEC, Map.of("traceparent", TRACEPARENT));
        String jobId = ok(submitted, 201).get("id").asText();
        JsonNode lease = lease();
        String leaseId = lease.get("leaseId").asText();
        ok(api.call("POST", "/api/leases/" + leaseId + "/progress", agent, "{\"percent\":50}"), 200);
        ok(api.call("PUT", "/api/leases/" + leaseId + "/checkpoints/work-items", agent,
                "{\"kind\":\"cursor\",\"data\":{\"lastId\":4000}}"), 200);
        ok(api.call("POST", "/api/leases/" + leaseId + "/mappings", agent, MAPPINGS), 200);
        ok(api.call("POST", "/api/leases/" + leaseId + "/complete", agent, null), 200);

        // The submission continues the caller's trace; its x-request-id is that trace's id.
        SpanData submit = recorder.span("POST /api/jobs", JOB_ID, jobId);
        assertThat(submit.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(submit.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(submit.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
        assertThat(submit.getParentSpanContext().isRemote()).isTrue();
        assertThat(submitted.headers()).containsEntry("x-request-id", TRACE_ID);
        assertThat(submit.getAttributes().asMap()).containsAllEntriesOf(Map.of(
                HTTP_REQUEST_METHOD, "POST", HTTP_ROUTE, "/api/jobs", URL_PATH, "/api/jobs",
                HTTP_RESPONSE_STATUS_CODE, 201L, TENANT_ID, "contoso", CALLER_TENANT_ID, "contoso",
                TIER, "Premium", CLOUD_REGION, "westeurope"));
        assertThat(submit.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        // The lease request: a server span naming the route, the agent and the job it got, with the
        // dispatch span under it.
        SpanData leaseRequest = recorder.span("POST /api/agents/{agentId}/lease", JOB_ID, jobId);
        assertThat(leaseRequest.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(leaseRequest.getAttributes().asMap()).containsAllEntriesOf(Map.of(
                HTTP_ROUTE, "/api/agents/{agentId}/lease", AGENT_ID, "agent-1", TENANT_ID, "contoso",
                CALLER_TENANT_ID, "provider", HTTP_RESPONSE_STATUS_CODE, 200L));
        assertThat(leaseRequest.getTraceId()).as("no traceparent: a trace of its own").isNotEqualTo(TRACE_ID);
        assertThat(leaseRequest.getParentSpanContext().isValid()).isFalse();
        SpanData dispatch = recorder.span(LeaseWork.DISPATCH_SPAN, JOB_ID, jobId);
        assertThat(dispatch.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(dispatch.getParentSpanId()).isEqualTo(leaseRequest.getSpanId());
        assertThat(dispatch.getTraceId()).isEqualTo(leaseRequest.getTraceId());
        assertThat(dispatch.getAttributes().asMap()).containsAllEntriesOf(Map.of(
                DISPATCH_OUTCOME, "leased", AGENT_ID, "agent-1", TENANT_ID, "contoso", TIER, "Premium",
                CLOUD_REGION, "westeurope", LEASE_EPOCH, 1L));

        // Every lease route's span names the job behind the lease.
        for (String route : List.of("POST /api/leases/{leaseId}/progress", "PUT /api/leases/{leaseId}/checkpoints/{name}",
                "POST /api/leases/{leaseId}/mappings", "POST /api/leases/{leaseId}/complete")) {
            SpanData span = recorder.span(route, JOB_ID, jobId);
            assertThat(span.getAttributes().get(AGENT_ID)).as(route).isEqualTo("agent-1");
            assertThat(span.getAttributes().get(TIER)).as(route).isEqualTo("Premium");
        }

        Map<String, MetricData> metrics = recorder.collect();
        Attributes premium = tierAndRegion(Tier.Premium, "westeurope");
        assertThat(sum(metrics, ControlPlaneMetrics.JOBS_SUBMITTED, premium)).isEqualTo(1);
        assertThat(sum(metrics, ControlPlaneMetrics.JOBS_COMPLETED, premium)).isEqualTo(1);
        assertThat(total(metrics, ControlPlaneMetrics.JOBS_FAILED)).isZero();
        assertThat(total(metrics, ControlPlaneMetrics.JOBS_CANCELLED)).isZero();
        assertThat(sum(metrics, ControlPlaneMetrics.MAPPINGS_RECORDED, premium)).as("pairs recorded").isEqualTo(2);
        assertThat(histogram(metrics, ControlPlaneMetrics.ASSIGNMENT_DURATION, TIER, "Premium"))
                .singleElement().satisfies(p -> {
                    assertThat(p.getCount()).isEqualTo(1);
                    assertThat(p.getSum()).isBetween(0.0, 60.0);
                });
        assertThat(metrics.get(ControlPlaneMetrics.ASSIGNMENT_DURATION).getUnit()).isEqualTo("s");
        assertThat(histogram(metrics, ControlPlaneMetrics.HTTP_SERVER_REQUEST_DURATION, HTTP_ROUTE, "/api/jobs"))
                .singleElement().satisfies(p -> {
                    assertThat(p.getCount()).isEqualTo(1);
                    assertThat(p.getAttributes().get(HTTP_RESPONSE_STATUS_CODE)).isEqualTo(201L);
                });
    }

    @Test
    void aParkedLongPollCountsAsAnActiveRequestUntilItIsAnswered() throws Exception {
        ok(api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION), 200);
        java.util.concurrent.CompletableFuture<ApiResponse> poll = api.api.handleAsync(new io.controlplane.api.ApiRequest("POST",
                "/api/agents/agent-1/lease", io.controlplane.api.ApiRequest.parseQuery("waitSeconds=10"),
                Map.of("Authorization", "Bearer " + agent), null));
        Attributes post = Attributes.of(io.controlplane.telemetry.TelemetryAttributes.HTTP_REQUEST_METHOD, "POST");

        assertThat(poll).isNotDone();
        assertThat(sum(recorder.collect(), ControlPlaneMetrics.HTTP_SERVER_ACTIVE_REQUESTS, post)).isEqualTo(1);

        submit(Tier.Premium);
        assertThat(poll.get(5, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(sum(recorder.collect(), ControlPlaneMetrics.HTTP_SERVER_ACTIVE_REQUESTS, post)).isZero();
        assertThat(recorder.collect().get(ControlPlaneMetrics.HTTP_SERVER_ACTIVE_REQUESTS).getUnit()).isEqualTo("{request}");
    }

    @Test
    void cancelledAndFailedJobsAreCountedByTierAndAReplayIsNotCountedAgain() {
        ok(api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION), 200);
        String standard = submit(Tier.Standard);
        ok(api.call("POST", "/api/jobs/" + standard + "/cancel", client, "{\"reason\":\"wrong project\"}"), 200);
        ok(api.call("POST", "/api/jobs", client, ApiFixture.SPEC, Map.of("Idempotency-Key", "k-1")), 201);
        ApiResponse replay = api.call("POST", "/api/jobs", client, ApiFixture.SPEC, Map.of("Idempotency-Key", "k-1"));
        assertThat(replay.headers()).containsEntry("Idempotent-Replayed", "true");
        String leaseId = lease().get("leaseId").asText();
        ok(api.call("POST", "/api/leases/" + leaseId + "/fail", agent, "{\"error\":\"target refused\",\"retryable\":false}"), 200);

        Map<String, MetricData> metrics = recorder.collect();
        assertThat(sum(metrics, ControlPlaneMetrics.JOBS_CANCELLED, tierAndRegion(Tier.Standard, "westeurope"))).isEqualTo(1);
        assertThat(sum(metrics, ControlPlaneMetrics.JOBS_FAILED, tierAndRegion(Tier.Premium, "westeurope"))).isEqualTo(1);
        assertThat(total(metrics, ControlPlaneMetrics.JOBS_CANCELLED)).isEqualTo(1);
        assertThat(total(metrics, ControlPlaneMetrics.JOBS_FAILED)).isEqualTo(1);
        assertThat(total(metrics, ControlPlaneMetrics.JOBS_COMPLETED)).isZero();
        assertThat(sum(metrics, ControlPlaneMetrics.JOBS_SUBMITTED, tierAndRegion(Tier.Premium, "westeurope"))).isEqualTo(1);
        assertThat(sum(metrics, ControlPlaneMetrics.JOBS_SUBMITTED, tierAndRegion(Tier.Standard, "westeurope"))).isEqualTo(1);

        SpanData cancel = recorder.span("POST /api/jobs/{jobId}/cancel", JOB_ID, standard);
        assertThat(cancel.getAttributes().get(TIER)).isEqualTo("Standard");
        assertThat(cancel.getAttributes().get(TENANT_ID)).isEqualTo("contoso");
    }

    @Test
    void aPlatinumJobPreemptingAStandardOneIsTracedUnderTheReconcilePassAndCounted() {
        ok(api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION), 200);
        String standard = submit(Tier.Standard);
        String victimLease = lease().get("leaseId").asText();
        ok(api.call("POST", "/api/leases/" + victimLease + "/progress", agent, "{\"percent\":10}"), 200);
        String platinum = submit(Tier.Platinum);

        Reconcile.Report report = api.app.reconcile().region("westeurope");

        assertThat(report.preemptions()).isEqualTo(1);
        SpanData pass = recorder.span(Reconcile.RECONCILE_SPAN, CLOUD_REGION, "westeurope");
        assertThat(pass.getParentSpanContext().isValid()).as("a timer's pass starts a trace").isFalse();
        SpanData check = recorder.span(Preemption.CHECK_SPAN, CLOUD_REGION, "westeurope");
        assertThat(check.getParentSpanId()).isEqualTo(pass.getSpanId());
        SpanData preempt = recorder.span(Preemption.PREEMPT_SPAN, JOB_ID, standard);
        assertThat(preempt.getParentSpanId()).isEqualTo(check.getSpanId());
        assertThat(preempt.getTraceId()).isEqualTo(pass.getTraceId());
        assertThat(preempt.getAttributes().asMap()).containsAllEntriesOf(Map.of(
                TIER, "Standard", TENANT_ID, "contoso", CLOUD_REGION, "westeurope", AGENT_ID, "agent-1",
                PREEMPTED_FOR_JOB_ID, platinum, PREEMPTED_FOR_TIER, "Platinum"));

        JsonNode beat = ok(api.call("POST", "/api/agents/agent-1/heartbeat", agent, null), 200);
        assertThat(beat.get("commands").findValuesAsText("type")).contains("preempt");
        ok(api.call("POST", "/api/leases/" + victimLease + "/release", agent, "{\"reason\":\"preempted\"}"), 200);
        assertThat(lease().get("jobId").asText()).isEqualTo(platinum);

        Map<String, MetricData> metrics = recorder.collect();
        assertThat(sum(metrics, ControlPlaneMetrics.PREEMPTIONS, tierAndRegion(Tier.Standard, "westeurope").toBuilder()
                .put(PREEMPTED_FOR_TIER, "Platinum").build())).isEqualTo(1);
        assertThat(total(metrics, ControlPlaneMetrics.PREEMPTIONS)).isEqualTo(1);
        assertThat(histogram(metrics, ControlPlaneMetrics.ASSIGNMENT_DURATION, TIER, "Platinum")).singleElement()
                .satisfies(p -> assertThat(p.getCount()).isEqualTo(1));
        assertThat(histogram(metrics, ControlPlaneMetrics.ASSIGNMENT_DURATION, TIER, "Standard")).singleElement()
                .satisfies(p -> assertThat(p.getCount()).isEqualTo(1));
        // The gauges show the queue as the pass read it: the Platinum job waiting, nothing else.
        assertThat(gaugeValue(metrics, ControlPlaneMetrics.QUEUE_DEPTH, Tier.Platinum)).isEqualTo(1.0);
        assertThat(gaugeValue(metrics, ControlPlaneMetrics.QUEUE_DEPTH, Tier.Standard)).isEqualTo(0.0);
        assertThat(gaugeValue(metrics, ControlPlaneMetrics.QUEUE_OLDEST_AGE, Tier.Platinum)).isBetween(0.0, 60.0);
        assertThat(gaugeValue(metrics, ControlPlaneMetrics.QUEUE_OLDEST_AGE, Tier.Premium)).isEqualTo(0.0);
        assertThat(metrics.get(ControlPlaneMetrics.QUEUE_OLDEST_AGE).getUnit()).isEqualTo("s");
    }

    private static double gaugeValue(Map<String, MetricData> metrics, String name, Tier tier) {
        List<PointData> points = gauge(metrics, name).filter(p -> p.getAttributes().equals(tierAndRegion(tier, "westeurope"))).toList();
        assertThat(points).as(name + " for " + tier).hasSize(1);
        PointData point = points.get(0);
        return point instanceof io.opentelemetry.sdk.metrics.data.LongPointData l ? l.getValue()
                : ((io.opentelemetry.sdk.metrics.data.DoublePointData) point).getValue();
    }

    @Test
    void serverErrorsFailTheSpanAndUnknownRoutesAreNamedByMethodOnly() {
        api.readiness.put("tableStorage", () -> {
            throw new IllegalStateException("storage down");
        });

        ApiResponse notReady = api.call("GET", "/api/health/ready", null, null);
        ApiResponse missing = api.call("GET", "/api/nowhere", null, null);

        assertThat(notReady.status()).isEqualTo(503);
        SpanData failed = recorder.span("GET /api/health/ready", HTTP_RESPONSE_STATUS_CODE, 503L);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(ERROR_TYPE)).isEqualTo("503");
        assertThat(missing.status()).isEqualTo(404);
        SpanData unknown = recorder.span("GET", HTTP_RESPONSE_STATUS_CODE, 404L);
        assertThat(unknown.getAttributes().get(HTTP_ROUTE)).isNull();
        assertThat(unknown.getStatus().getStatusCode()).as("4xx is the client's error, not the server's").isEqualTo(StatusCode.UNSET);
        assertThat(histogram(recorder.collect(), ControlPlaneMetrics.HTTP_SERVER_REQUEST_DURATION, ERROR_TYPE, "503")).hasSize(1);
    }

    @Test
    void anExpiredLeaseIsCountedAndNamedOnTheReconcileSpan() {
        try (DispatchFixture f = new DispatchFixture(Map.of(), recorder.telemetry(Clock.systemUTC()))) {
            Job job = f.submit("contoso", JobSpecs.aJobSpec().withTier(Tier.Premium).build());
            f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
            LeaseGrant grant = f.lease("agent-1").orElseThrow();
            f.clock.advance(f.settings.leaseDuration().plus(Duration.ofSeconds(1)));

            Reconcile.Report report = f.app.reconcile().region("westeurope");

            assertThat(report.expiredLeases()).isEqualTo(1);
            SpanData pass = recorder.span(Reconcile.RECONCILE_SPAN, CLOUD_REGION, "westeurope");
            assertThat(pass.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey(
                    "controlplane.reconcile.expired_leases"))).isEqualTo(1L);
            assertThat(pass.getEvents()).singleElement().satisfies(e -> {
                assertThat(e.getName()).isEqualTo("lease_expired");
                assertThat(e.getAttributes().get(JOB_ID)).isEqualTo(job.id());
                assertThat(e.getAttributes().get(AGENT_ID)).isEqualTo("agent-1");
                assertThat(e.getAttributes().get(LEASE_EPOCH)).isEqualTo(grant.epoch());
                assertThat(e.getAttributes().get(LEASE_EXPIRY_CAUSE)).isEqualTo("heartbeat");
            });
            Map<String, MetricData> metrics = recorder.collect();
            assertThat(sum(metrics, ControlPlaneMetrics.LEASE_EXPIRIES, tierAndRegion(Tier.Premium, "westeurope").toBuilder()
                    .put(LEASE_EXPIRY_CAUSE, "heartbeat").build())).isEqualTo(1);
            // The dispatch through the use case (no request around it) is a span of its own too.
            assertThat(recorder.span(LeaseWork.DISPATCH_SPAN, JOB_ID, job.id()).getParentSpanContext().isValid()).isFalse();
        }
    }
}
