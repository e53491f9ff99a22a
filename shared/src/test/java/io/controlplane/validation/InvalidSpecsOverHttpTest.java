package io.controlplane.validation;

import static io.controlplane.domain.JobSpecs.validSpecJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.api.ApiFixture;
import io.controlplane.api.ApiResponse;
import io.controlplane.ports.JobFilter;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid and secret-bearing spec of {@link JobSpecValidatorTest}, sent through the HTTP API:
 * each answer is a 400 problem+json naming the same fields, never a 5xx, the secret is never echoed,
 * and nothing is stored.
 */
class InvalidSpecsOverHttpTest {

    private final ApiFixture api = new ApiFixture();
    private final String token = api.clientToken("contoso");

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.controlplane.validation.JobSpecValidatorTest#invalidSpecs")
    void anInvalidSpecIsA400ListingItsFields(JobSpecValidatorTest.Invalid c) {
        ObjectNode spec = validSpecJson();
        c.change().accept(spec);

        ApiResponse response = api.call("POST", "/api/jobs", token, spec.toString());

        assertThat(response.status()).as(response.bodyText()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(fields(api.body(response))).isEqualTo(c.fields());
        assertThat(api.store.list("contoso", JobFilter.none(), 10, null).items()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.controlplane.validation.JobSpecValidatorTest#rawSecrets")
    void aRawSecretIsA400ThatNeverEchoesIt(JobSpecValidatorTest.Secret c) {
        ObjectNode spec = validSpecJson();
        JobSpecValidatorTest.put(spec, c.pointer(), c.value());

        ApiResponse response = api.call("POST", "/api/jobs", token, spec.toString());

        assertThat(response.status()).as(response.bodyText()).isEqualTo(400);
        assertThat(fields(api.body(response))).containsExactly(c.field());
        assertThat(response.bodyText()).doesNotContain(c.secret());
        assertThat(api.store.list("contoso", JobFilter.none(), 10, null).items()).isEmpty();
    }

    private static Set<String> fields(JsonNode problem) {
        Set<String> fields = new HashSet<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asText()));
        return fields;
    }
}
