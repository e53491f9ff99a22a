package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.microsoft.azure.functions.ExecutionContext;
import io.controlplane.ControlPlane;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FunctionsIntakeTest {

    /** Planted in every bad body: it must never reach an exception message or a log line. */
    private static final String MARKER = "S3CRET7f3a";

    @Test
    void readsWhatThePublisherWrites() throws Exception {
        IntakeMessage sent = new IntakeMessage("westeurope", Tier.Platinum, "contoso", "j-01HV3K", 3);
        String body = Json.mapper().writeValueAsString(sent);

        assertThat(FunctionsIntake.parse(body)).isEqualTo(sent);
    }

    @Test
    void aBodyWithoutAnEpochFromAnOlderPublisherIsEpochZero() {
        String body = "{\"region\":\"westeurope\",\"tier\":\"Premium\",\"tenantId\":\"contoso\",\"jobId\":\"j-3\"}";

        assertThat(FunctionsIntake.parse(body).epoch()).isZero();
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        // A newer publisher may add fields; this reader must keep waking agents meanwhile.
        String body = "{\"region\":\"northeurope\",\"tier\":\"Standard\",\"tenantId\":\"fabrikam\",\"jobId\":\"j-2\","
                + "\"enqueuedAt\":\"2030-01-01T00:00:00Z\",\"extra\":{\"nested\":[1,2]}}";

        assertThat(FunctionsIntake.parse(body))
                .isEqualTo(new IntakeMessage("northeurope", Tier.Standard, "fabrikam", "j-2"));
    }

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                Arguments.of(null, "empty_body"),
                Arguments.of("", "empty_body"),
                Arguments.of(" \n\t", "empty_body"),
                Arguments.of(MARKER + "{", "invalid_json"),
                Arguments.of("{\"region\":\"" + MARKER, "invalid_json"),
                Arguments.of("null", "not_an_object"),
                Arguments.of("[\"" + MARKER + "\"]", "not_an_object"),
                Arguments.of("\"" + MARKER + "\"", "not_an_object"),
                Arguments.of(body("westeurope", "Platinum", "contoso", "j-1") + " " + MARKER, "invalid_json"),
                Arguments.of(body("westeurope", "Platinum", "contoso", "j-1") + " {\"" + MARKER + "\":1}", "trailing_content"),
                Arguments.of("{\"region\":\"" + MARKER + "\",\"region\":\"westeurope\",\"tier\":\"Premium\","
                        + "\"tenantId\":\"t\",\"jobId\":\"j\"}", "duplicate_field"),
                Arguments.of("{}", "missing_tier"),
                Arguments.of("{\"region\":\"westeurope\",\"tenantId\":\"t\",\"jobId\":\"j\"}", "missing_tier"),
                Arguments.of(body("westeurope", MARKER, "contoso", "j-1"), "unknown_tier"),
                Arguments.of(body("westeurope", "platinum", "contoso", "j-1"), "unknown_tier"),
                Arguments.of("{\"region\":\"westeurope\",\"tier\":2,\"tenantId\":\"t\",\"jobId\":\"j\"}", "unknown_tier"),
                Arguments.of("{\"region\":{\"x\":\"" + MARKER + "\"},\"tier\":\"Premium\",\"tenantId\":\"t\",\"jobId\":\"j\"}",
                        "invalid_region"),
                Arguments.of("{\"tier\":\"Premium\",\"tenantId\":\"t\",\"jobId\":\"j\"}", "invalid_region"),
                Arguments.of(body("West Europe " + MARKER, "Premium", "contoso", "j-1"), "invalid_region"),
                Arguments.of(body("westeurope", "Premium", null, "j-1"), "invalid_tenantId"),
                Arguments.of(body("westeurope", "Premium", " ", "j-1"), "invalid_tenantId"),
                Arguments.of(body("westeurope", "Premium", "contoso#" + MARKER, "j-1"), "invalid_tenantId"),
                Arguments.of(body("westeurope", "Premium", "contoso", null), "invalid_jobId"),
                Arguments.of(body("westeurope", "Premium", "contoso", "j/" + MARKER), "invalid_jobId"),
                Arguments.of(body("westeurope", "Premium", "contoso", "j\u0007" + MARKER), "invalid_jobId"),
                Arguments.of("{\"region\":\"westeurope\",\"tier\":\"Premium\",\"tenantId\":\"t\",\"jobId\":\"j\",\"epoch\":-1}",
                        "invalid_epoch"),
                Arguments.of("{\"region\":\"westeurope\",\"tier\":\"Premium\",\"tenantId\":\"t\",\"jobId\":\"j\",\"epoch\":\""
                        + MARKER + "\"}", "invalid_epoch"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformedBodies")
    void aMalformedBodyIsNamedWithoutBeingQuoted(String body, String reason) {
        MalformedIntakeMessageException e = catchThrowableOfType(MalformedIntakeMessageException.class,
                () -> FunctionsIntake.parse(body));

        assertThat(e).as("parse(%s)", body).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains("reason=" + reason).doesNotContain(MARKER);
        assertThat(e.getCause()).as("a cause would carry the parser's message, which quotes the body").isNull();
    }

    @Test
    void deliversAWellFormedMessageToTheControlPlaneAndLogsItsIds() {
        CapturedLog log = new CapturedLog();
        ControlPlane controlPlane = mock(ControlPlane.class);

        FunctionsIntake.deliver(body("westeurope", "Premium", "contoso", "j-7"), context(log), () -> controlPlane);

        verify(controlPlane).onIntake(new IntakeMessage("westeurope", Tier.Premium, "contoso", "j-7"));
        assertThat(log.messages(Level.INFO)).containsExactly(
                "event=intake_received function=StorageQueueIntakePremium region=westeurope tier=Premium tenant=contoso jobId=j-7");
    }

    @Test
    void aMalformedBodyIsLoggedWithoutContentAndThrownBeforeTheControlPlaneIsBuilt() {
        CapturedLog log = new CapturedLog();
        AtomicInteger builds = new AtomicInteger();
        Supplier<ControlPlane> controlPlane = () -> {
            builds.incrementAndGet();
            return mock(ControlPlane.class);
        };

        assertThatThrownBy(() -> FunctionsIntake.deliver(body("westeurope", MARKER, "contoso", "j-7"), context(log),
                controlPlane))
                .isInstanceOf(MalformedIntakeMessageException.class)
                .hasMessageContaining("reason=unknown_tier")
                .hasMessageNotContaining(MARKER);

        assertThat(builds).hasValue(0);
        assertThat(log.messages(Level.WARNING)).containsExactly(
                "event=intake_malformed function=StorageQueueIntakePremium invocationId=inv-42 reason=unknown_tier");
        assertThat(log.messages()).noneMatch(m -> m.contains(MARKER));
    }

    @Test
    void aControlPlaneThatCannotBeBuiltFailsTheDeliverySoTheMessageIsRetried() {
        CapturedLog log = new CapturedLog();

        assertThatThrownBy(() -> FunctionsIntake.deliver(body("westeurope", "Standard", "contoso", "j-8"), context(log),
                () -> {
                    throw new IllegalStateException("storage unreachable");
                }))
                .isInstanceOf(IllegalStateException.class).hasMessage("storage unreachable");
        assertThat(log.messages()).isEmpty();
    }

    private static ExecutionContext context(CapturedLog log) {
        ExecutionContext context = mock(ExecutionContext.class);
        when(context.getLogger()).thenReturn(log.logger);
        when(context.getFunctionName()).thenReturn("StorageQueueIntakePremium");
        when(context.getInvocationId()).thenReturn("inv-42");
        return context;
    }

    /** A body with the four fields; a null value leaves its field out. */
    private static String body(String region, String tier, String tenantId, String jobId) {
        StringBuilder json = new StringBuilder("{");
        field(json, "region", region);
        field(json, "tier", tier);
        field(json, "tenantId", tenantId);
        field(json, "jobId", jobId);
        return json.append('}').toString();
    }

    private static void field(StringBuilder json, String name, String value) {
        if (value == null) {
            return;
        }
        if (json.length() > 1) {
            json.append(',');
        }
        json.append('"').append(name).append("\":\"");
        for (char c : value.toCharArray()) {
            json.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        json.append('"');
    }
}
