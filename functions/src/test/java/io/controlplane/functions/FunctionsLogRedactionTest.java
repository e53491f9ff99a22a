package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.microsoft.azure.functions.ExecutionContext;
import io.controlplane.ControlPlane;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The trigger functions log to their invocation's logger (ExecutionContext.getLogger(), which the
 * worker sends to the host); what is logged there, by them or by mistake later in the invocation,
 * is redacted too. The HTTP functions' output is checked in FunctionsAuthMatrixTest.
 */
class FunctionsLogRedactionTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJlLXZhbHVl";
    private static final String PAT = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";

    private final CapturedLog log = new CapturedLog();
    private final ExecutionContext context = mock(ExecutionContext.class);

    FunctionsLogRedactionTest() {
        when(context.getLogger()).thenReturn(log.logger);
        when(context.getFunctionName()).thenReturn("Intake");
        when(context.getInvocationId()).thenReturn("inv-1");
    }

    @AfterEach
    void buildFromSettingsAgain() {
        ControlPlaneHolder.serveFrom(null);
    }

    @Test
    void theReconcileTimersLogger() {
        ControlPlane controlPlane = mock(ControlPlane.class);
        when(controlPlane.reconcile()).thenReturn(List.of());
        ControlPlaneHolder.serveFrom(controlPlane);

        new ReconcileFunction().run("timer", context);
        context.getLogger().log(Level.WARNING, "event=mistake token={0}", JWT);

        assertThat(log.messages()).containsExactly("event=mistake token=[REDACTED]");
    }

    @Test
    void theIntakeTriggersLogger() {
        FunctionsIntake.deliver("{\"region\":\"westeurope\",\"tier\":\"Premium\",\"tenantId\":\"contoso\",\"jobId\":\"j-1\"}",
                context, () -> mock(ControlPlane.class));
        context.getLogger().severe("event=mistake url=https://:" + PAT + "@dev.azure.com/contoso");

        assertThat(log.messages()).hasSize(2).last().asString()
                .isEqualTo("event=mistake url=https://:[REDACTED]@dev.azure.com/contoso");
        assertThat(log.messages().get(0)).startsWith("event=intake_received function=Intake region=westeurope");
    }
}
