package io.controlplane.telemetry;

import io.controlplane.domain.Job;
import io.controlplane.domain.Tier;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;

/**
 * The attribute names spans and metrics carry (docs/operations.md, Telemetry, lists them). HTTP and
 * cloud names are OpenTelemetry's semantic conventions; the control plane's own live under
 * {@code controlplane.}. Ids only: never a token, a spec's content or personal data.
 */
public final class TelemetryAttributes {

    public static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    public static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** The region a job runs in (a span or metric attribute here, not only a resource attribute). */
    public static final AttributeKey<String> CLOUD_REGION = AttributeKey.stringKey("cloud.region");

    public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("controlplane.job.id");
    /** The job's tenant (its owner), which for agent routes is not the caller's. */
    public static final AttributeKey<String> TENANT_ID = AttributeKey.stringKey("controlplane.tenant.id");
    /** The tenant of the caller's token. */
    public static final AttributeKey<String> CALLER_TENANT_ID = AttributeKey.stringKey("controlplane.caller.tenant.id");
    public static final AttributeKey<String> TIER = AttributeKey.stringKey("controlplane.tier");
    public static final AttributeKey<String> AGENT_ID = AttributeKey.stringKey("controlplane.agent.id");
    public static final AttributeKey<String> JOB_STATE = AttributeKey.stringKey("controlplane.job.state");
    public static final AttributeKey<Long> LEASE_EPOCH = AttributeKey.longKey("controlplane.lease.epoch");

    /** Dispatch: {@code leased} or {@code none} (nothing the agent may run, within its wait). */
    public static final AttributeKey<String> DISPATCH_OUTCOME = AttributeKey.stringKey("controlplane.dispatch.outcome");
    /** Preemption: the waiting job a victim makes room for, and its tier. */
    public static final AttributeKey<String> PREEMPTED_FOR_JOB_ID = AttributeKey.stringKey("controlplane.preemption.for_job.id");
    public static final AttributeKey<String> PREEMPTED_FOR_TIER = AttributeKey.stringKey("controlplane.preemption.for_tier");
    /** Preemption of one victim: {@code asked} (told to checkpoint and release) or {@code victim_changed} (it finished or moved meanwhile). */
    public static final AttributeKey<String> PREEMPTION_OUTCOME = AttributeKey.stringKey("controlplane.preemption.outcome");
    /** Why a lease ended without its agent: {@code heartbeat} (agent silent) or {@code stop_grace} (no release in time). */
    public static final AttributeKey<String> LEASE_EXPIRY_CAUSE = AttributeKey.stringKey("controlplane.lease.expiry.cause");

    private TelemetryAttributes() {
    }

    /** The metric dimensions of a job: tier and region (bounded, unlike job or tenant ids). */
    public static Attributes tierAndRegion(Tier tier, String region) {
        return Attributes.of(TIER, tier.name(), CLOUD_REGION, region);
    }

    /** What identifies a job on a span: id, tenant, tier, region, and its agent when it has one. */
    public static Attributes job(Job job) {
        AttributesBuilder b = Attributes.builder()
                .put(JOB_ID, job.id())
                .put(TENANT_ID, job.tenantId())
                .put(TIER, job.spec().tier().name())
                .put(CLOUD_REGION, job.spec().region())
                .put(JOB_STATE, job.state().name());
        if (job.agentId() != null) {
            b.put(AGENT_ID, job.agentId());
        }
        return b.build();
    }
}
