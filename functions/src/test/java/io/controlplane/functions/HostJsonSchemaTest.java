package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.controlplane.testing.ProjectRoot;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * host.json is valid under the published host.json schema (SchemaStore's, vendored under
 * src/test/resources/schemas with its source and date). The host itself ignores keys it does not
 * know, so a misspelt or misplaced setting silently does nothing; the schema names the keys each
 * extension version really reads.
 */
class HostJsonSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = HostJsonSchemaTest.class.getResourceAsStream("/schemas/host.schema.json")) {
            assertThat(in).as("the vendored schema").isNotNull();
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(in);
        }
    }

    private static JsonNode hostJson() throws IOException {
        return JSON.readTree(ProjectRoot.find().resolve("host.json").toFile());
    }

    private static List<String> problems(JsonNode document) {
        return schema.validate(document).stream().map(Error::toString).toList();
    }

    @Test
    void hostJsonIsValidUnderThePublishedSchema() throws IOException {
        assertThat(problems(hostJson())).isEmpty();
    }

    @Test
    void aKeyTheServiceBusExtensionDoesNotReadIsRefused() throws IOException {
        // The check can fail: the keys of the v5 serviceBus section (the extension bundle [4.*, 5.0.0)
        // brings Service Bus extension 5) are a closed set, and one outside it is reported.
        ObjectNode document = (ObjectNode) hostJson();
        ((ObjectNode) document.path("extensions").path("serviceBus")).put("maxConcurrentCallsPerSessions", 1);

        assertThat(problems(document)).isNotEmpty();
    }

    @Test
    void aWrongValueTypeIsRefused() throws IOException {
        ObjectNode document = (ObjectNode) hostJson();
        ((ObjectNode) document.path("extensions").path("http")).put("maxConcurrentRequests", "400");

        assertThat(problems(document)).isNotEmpty();
    }
}
