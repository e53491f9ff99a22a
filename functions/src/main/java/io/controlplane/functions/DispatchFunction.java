package io.controlplane.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import io.controlplane.ControlPlane;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.api.Json;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.telemetry.RedactingHandler;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The regions' dispatchers in Azure: a session trigger on the dispatch queue
 * ({@code %DISPATCH_QUEUE%}, {@code <QUEUE_PREFIX>dispatch}; SessionId = region), so the host hands a
 * region's {@link DispatchEvent}s to one invocation at a time, on whichever instance holds the
 * region's session: one dispatcher per region, without a lease of our own. Each event is decoded
 * with the one wire codec ({@link DispatchCodec}) and given to the control plane.
 *
 * <p>The queue is a setting holding the full name, for the reason the intake triggers' are
 * ({@link IntakeFunctions}, {@link IntakeQueueSettings}). Like them it runs only with Service Bus:
 * {@code AzureWebJobs.Dispatch.Disabled} is {@code true} elsewhere.
 *
 * <p>A body that is no dispatch event can never succeed. It is logged without its content and
 * thrown as a {@link MalformedDispatchEventException}; the Java library cannot dead-letter a message
 * itself, so the host retries it and Service Bus dead-letters it after the queue's MaxDeliveryCount,
 * as with a malformed intake message ({@code FunctionsIntake}).
 */
public class DispatchFunction {

    private static final String DISPATCH_QUEUE = "%" + IntakeQueueSettings.DISPATCH + "%";
    private static final DispatchCodec CODEC = new DispatchCodec(Json.mapper());

    @FunctionName("Dispatch")
    public void dispatch(
            @ServiceBusQueueTrigger(name = "message", queueName = DISPATCH_QUEUE,
                    connection = IntakeFunctions.SERVICE_BUS_CONNECTION, isSessionsEnabled = true, dataType = "string")
            String message, ExecutionContext context) {
        deliver(message, context, ControlPlaneHolder::controlPlane);
    }

    /** Decodes before touching the control plane, so a malformed body is reported as such even when storage is down. */
    static void deliver(String body, ExecutionContext context, Supplier<ControlPlane> controlPlane) {
        Logger log = RedactingHandler.redact(context.getLogger());
        DispatchEvent event;
        try {
            event = parse(body);
        } catch (MalformedDispatchEventException e) {
            log.warning(String.format(Locale.ROOT, "event=dispatch_malformed function=%s invocationId=%s",
                    context.getFunctionName(), context.getInvocationId()));
            throw e;
        }
        controlPlane.get().onDispatch(event);
        log.info(String.format(Locale.ROOT, "event=dispatch_received function=%s region=%s type=%s messageId=%s",
                context.getFunctionName(), event.region(), event.getClass().getSimpleName(), event.messageId()));
    }

    /** @throws MalformedDispatchEventException saying what is wrong, never quoting the body */
    static DispatchEvent parse(String body) {
        if (body == null || body.isBlank()) {
            throw new MalformedDispatchEventException("the body is empty");
        }
        try {
            return CODEC.decodeEvent(body.getBytes(StandardCharsets.UTF_8));
        } catch (IntakeMessageCodec.MalformedIntakeMessageException e) {
            // The codec's message names the parser's exception type only, never the body.
            throw new MalformedDispatchEventException(e.getMessage());
        }
    }

    /** A body no delivery can ever accept. The message says why without quoting the body. */
    static final class MalformedDispatchEventException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        MalformedDispatchEventException(String description) {
            super("Malformed dispatch event: " + description
                    + ". The body is not logged; the message is retried, then dead-lettered.");
        }
    }
}
