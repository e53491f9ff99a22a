package io.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What {@code cpctl jobs get} prints of a job's view. */
class JobFieldsTest {

    private static String cell(String heading, String json) throws Exception {
        JsonNode job = new ObjectMapper().readTree(json);
        return JobsCommand.JOB_FIELDS.stream().filter(c -> c.heading().equals(heading)).findFirst().orElseThrow().cell().apply(job);
    }

    @Test
    void aQueuedJobSaysWhyItWaitsAndARunningOneSaysNothing() throws Exception {
        assertThat(cell("waiting", """
                {"state":"Queued","waitingFor":{"reason":"organisation-throttled","organisation":"dev.azure.com:contoso",
                 "until":"2026-12-02T10:01:00Z","message":"Organisation dev.azure.com:contoso asked for a back-off"}}
                """)).isEqualTo("organisation-throttled: Organisation dev.azure.com:contoso asked for a back-off");
        assertThat(cell("waiting", "{\"state\":\"Running\"}")).isEmpty();
    }
}
