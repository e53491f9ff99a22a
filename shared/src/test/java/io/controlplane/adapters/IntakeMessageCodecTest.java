package io.controlplane.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The intake message's one wire form, old bodies (before the epoch) included. */
class IntakeMessageCodecTest {

    private final IntakeMessageCodec codec = new IntakeMessageCodec(Json.mapper());

    @Test
    void aMessageComesBackAsItWasSentEpochIncluded() throws Exception {
        IntakeMessage sent = new IntakeMessage("westeurope", Tier.Premium, "contoso", "job-1", 3);

        assertThat(codec.decode(codec.encode(sent))).isEqualTo(sent);
        assertThat(new String(codec.encode(sent), StandardCharsets.UTF_8))
                .isEqualTo("{\"region\":\"westeurope\",\"tier\":\"Premium\",\"tenantId\":\"contoso\",\"jobId\":\"job-1\",\"epoch\":3}");
    }

    @Test
    void aBodyWrittenBeforeTheEpochExistedIsTheJobsFirstAnnouncement() throws Exception {
        byte[] old = "{\"region\":\"westeurope\",\"tier\":\"Standard\",\"tenantId\":\"contoso\",\"jobId\":\"job-1\"}"
                .getBytes(StandardCharsets.UTF_8);

        IntakeMessage decoded = codec.decode(old);

        assertThat(decoded).isEqualTo(new IntakeMessage("westeurope", Tier.Standard, "contoso", "job-1"));
        assertThat(decoded.epoch()).isZero();
        assertThat(decoded.messageId()).isEqualTo("job-1:0");
    }

    @Test
    void aRequeuedJobsMessageHasAnotherIdThanItsFirst() throws Exception {
        IntakeMessage first = codec.decode(codec.encode(new IntakeMessage("westeurope", Tier.Platinum, "contoso", "job-1", 0)));
        IntakeMessage again = codec.decode(codec.encode(new IntakeMessage("westeurope", Tier.Platinum, "contoso", "job-1", 1)));

        assertThat(again.messageId()).isNotEqualTo(first.messageId()).isEqualTo("job-1:1");
    }

    @Test
    void fieldsItDoesNotKnowAreIgnoredSoAnOlderReaderTakesANewerBody() throws Exception {
        byte[] newer = ("{\"region\":\"westeurope\",\"tier\":\"Standard\",\"tenantId\":\"contoso\",\"jobId\":\"job-1\","
                + "\"epoch\":4,\"somethingLater\":true}").getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decode(newer)).isEqualTo(new IntakeMessage("westeurope", Tier.Standard, "contoso", "job-1", 4));
    }

    @Test
    void aNegativeOrNonNumericEpochIsMalformed() {
        for (String epoch : new String[] {"-1", "\"soon\"", "1.5e400"}) {
            byte[] body = ("{\"region\":\"westeurope\",\"tier\":\"Standard\",\"tenantId\":\"contoso\",\"jobId\":\"job-1\","
                    + "\"epoch\":" + epoch + "}").getBytes(StandardCharsets.UTF_8);

            assertThatThrownBy(() -> codec.decode(body)).as(epoch)
                    .isInstanceOf(IntakeMessageCodec.MalformedIntakeMessageException.class);
        }
    }

    @Test
    void theQueueAdaptersReadAsStrictlyAsTheFunctionsTriggers() {
        String valid = "{\"region\":\"westeurope\",\"tier\":\"Standard\",\"tenantId\":\"contoso\",\"jobId\":\"job-1\"}";
        Map<String, String> bodies = Map.of(
                "", "empty_body",
                valid + " {}", "trailing_content",
                valid.replace("\"Standard\"", "1"), "unknown_tier",
                valid.replace("westeurope", "West Europe"), "invalid_region",
                valid.replace("contoso", "con/toso"), "invalid_tenantId",
                valid.replace("\"region\":\"westeurope\",", "\"jobId\":\"job-0\","), "duplicate_field");
        bodies.forEach((body, reason) -> {
            IntakeMessageCodec.MalformedIntakeMessageException bytes = catchThrowableOfType(
                    IntakeMessageCodec.MalformedIntakeMessageException.class, () -> codec.decode(body.getBytes(StandardCharsets.UTF_8)));
            IntakeMessageCodec.MalformedIntakeMessageException text = catchThrowableOfType(
                    IntakeMessageCodec.MalformedIntakeMessageException.class, () -> codec.decode(body));

            assertThat(bytes).as(body).isNotNull();
            assertThat(bytes.reason()).as(body).isEqualTo(reason);
            assertThat(text).as(body).isNotNull();
            assertThat(text.reason()).as(body).isEqualTo(reason);
        });
    }
}
