package io.controlplane.functions;

import com.microsoft.azure.functions.ExecutionContext;
import io.controlplane.ControlPlane;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import io.controlplane.api.Json;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.telemetry.RedactingHandler;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * What every intake function does, whichever queue triggered it: read the body as an
 * {@link IntakeMessage} and hand it to the control plane.
 *
 * <p>A body that is not an intake message can never succeed. It is logged without its content
 * (a queue body may hold anything) and thrown as a {@link MalformedIntakeMessageException}; the
 * Java library cannot dead-letter a message itself, so the host retries it and then moves it
 * aside: Service Bus to the dead-letter queue after MaxDeliveryCount, Storage Queues to
 * {@code <queue>-poison} after host.json's maxDequeueCount.
 */
final class FunctionsIntake {

    private static final IntakeMessageCodec CODEC = new IntakeMessageCodec(Json.mapper());

    private FunctionsIntake() {
    }

    static void deliver(String body, ExecutionContext context) {
        deliver(body, context, ControlPlaneHolder::controlPlane);
    }

    /** Parses before touching the control plane, so a malformed body is reported as such even when storage is down. */
    static void deliver(String body, ExecutionContext context, Supplier<ControlPlane> controlPlane) {
        Logger log = RedactingHandler.redact(context.getLogger());
        IntakeMessage message;
        try {
            message = parse(body);
        } catch (MalformedIntakeMessageException e) {
            log.warning(String.format(Locale.ROOT,
                    "event=intake_malformed function=%s invocationId=%s reason=%s",
                    context.getFunctionName(), context.getInvocationId(), e.reason()));
            throw e;
        }
        controlPlane.get().onIntake(message);
        log.info(String.format(Locale.ROOT,
                "event=intake_received function=%s region=%s tier=%s tenant=%s jobId=%s",
                context.getFunctionName(), message.region(), message.tier(), message.tenantId(), message.jobId()));
    }

    /**
     * The intake message in {@code body}, by the one strict reading of {@link IntakeMessageCodec}.
     *
     * @throws MalformedIntakeMessageException naming what is wrong, never quoting the body
     */
    static IntakeMessage parse(String body) {
        return CODEC.decode(body);
    }
}
