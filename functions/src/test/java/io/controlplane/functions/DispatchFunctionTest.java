package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import io.controlplane.ControlPlane;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.functions.DispatchFunction.MalformedDispatchEventException;
import io.controlplane.ports.DispatchEvent;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DispatchFunctionTest {

    /** Planted in every bad body: it must never reach an exception message or a log line. */
    private static final String MARKER = "S3CRET7f3a";
    private static final DispatchCodec CODEC = new DispatchCodec(Json.mapper());

    private static String encode(DispatchEvent event) {
        return new String(CODEC.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void handsTheDecodedEventToTheControlPlaneAndLogsItsIds() {
        CapturedLog log = new CapturedLog();
        ControlPlane controlPlane = mock(ControlPlane.class);
        DispatchEvent.Asks asks = new DispatchEvent.Asks("westeurope", "agent-7", "W/\"1\"", "agent-7",
                Instant.parse("2026-12-02T01:00:30Z"));

        DispatchFunction.deliver(encode(asks), context(log), () -> controlPlane);

        verify(controlPlane).onDispatch(asks);
        assertThat(log.messages(Level.INFO)).containsExactly("event=dispatch_received function=Dispatch region=westeurope"
                + " type=Asks messageId=" + asks.messageId());
    }

    @Test
    void everyKindOfEventReadsBackAsSent() {
        for (DispatchEvent event : new DispatchEvent[] {
                new DispatchEvent.Ready("westeurope", Tier.Platinum, "contoso", "j-1", 3),
                new DispatchEvent.AgentChanged("westeurope", "agent-1", null),
                new DispatchEvent.Tick("northeurope", Instant.parse("2026-12-02T01:00:00Z"))}) {
            assertThat(DispatchFunction.parse(encode(event))).isEqualTo(event);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", MARKER, "{\"type\":\"" + MARKER + "\"}", "{\"type\":\"tick\",\"at\":\"" + MARKER + "\"}",
            "{\"type\":\"ready\",\"region\":\"westeurope\"}", "null"})
    void aMalformedBodyIsLoggedWithoutContentAndThrownBeforeTheControlPlaneIsBuilt(String body) {
        CapturedLog log = new CapturedLog();
        AtomicInteger builds = new AtomicInteger();
        Supplier<ControlPlane> controlPlane = () -> {
            builds.incrementAndGet();
            return mock(ControlPlane.class);
        };

        assertThatThrownBy(() -> DispatchFunction.deliver(body, context(log), controlPlane))
                .isInstanceOf(MalformedDispatchEventException.class)
                .hasMessageStartingWith("Malformed dispatch event: ")
                .hasMessageNotContaining(MARKER)
                .hasNoCause();

        assertThat(builds).hasValue(0);
        assertThat(log.messages(Level.WARNING)).containsExactly("event=dispatch_malformed function=Dispatch invocationId=inv-42");
        assertThat(log.messages()).noneMatch(m -> m.contains(MARKER));
    }

    @Test
    void aControlPlaneThatCannotBeBuiltFailsTheDeliverySoTheMessageIsRetried() {
        CapturedLog log = new CapturedLog();

        assertThatThrownBy(() -> DispatchFunction.deliver(encode(new DispatchEvent.Tick("westeurope", Instant.EPOCH)),
                context(log), () -> {
                    throw new IllegalStateException("storage unreachable");
                }))
                .isInstanceOf(IllegalStateException.class).hasMessage("storage unreachable");
        assertThat(log.messages()).isEmpty();
    }

    @Test
    void theTriggerIsASessionTriggerOnTheDispatchQueueSetting() throws Exception {
        Method method = DispatchFunction.class.getMethod("dispatch", String.class, ExecutionContext.class);
        assertThat(method.getAnnotation(FunctionName.class).value()).isEqualTo("Dispatch");
        ServiceBusQueueTrigger trigger = (ServiceBusQueueTrigger) method.getParameterAnnotations()[0][0];
        assertThat(trigger.queueName()).isEqualTo("%DISPATCH_QUEUE%");
        assertThat(trigger.isSessionsEnabled()).isTrue();
        assertThat(trigger.connection()).isEqualTo(IntakeFunctions.SERVICE_BUS_CONNECTION);
        assertThat(trigger.dataType()).isEqualTo("string");
    }

    private static ExecutionContext context(CapturedLog log) {
        ExecutionContext context = mock(ExecutionContext.class);
        when(context.getLogger()).thenReturn(log.logger);
        when(context.getFunctionName()).thenReturn("Dispatch");
        when(context.getInvocationId()).thenReturn("inv-42");
        return context;
    }
}
