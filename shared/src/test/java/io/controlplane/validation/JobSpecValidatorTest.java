package io.controlplane.validation;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static io.controlplane.domain.JobSpecs.validSpecJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.api.Json;
import io.controlplane.domain.Endpoint;
import io.controlplane.domain.EndpointType;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.JobKind;
import io.controlplane.domain.JobPolicy;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.PayloadTooLargeException;
import io.controlplane.domain.Tier;
import io.controlplane.domain.ValidationException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class JobSpecValidatorTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_SPEC_BYTES = 256 * 1024;

    private final JobSpecValidator validator =
            new JobSpecValidator(Set.of("westeurope", "northeurope"), MAX_SPEC_BYTES, Json.mapper());

    // ---------------------------------------------------------------- valid specs

    @Test
    void theApiExampleValidatesIntoTheExpectedSpec() {
        JobSpec expected = new JobSpec(
                "contoso/Alpha to fabrikam/Beta",
                Tier.Premium,
                "westeurope",
                JobKind.Migrate,
                List.of("azure-devops"),
                new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/contoso", "Alpha",
                        "https://kv-contoso.vault.azure.net/secrets/src-pat"),
                new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/fabrikam", "Beta",
                        "https://kv-contoso.vault.azure.net/secrets/tgt-pat"),
                "contoso-alpha-to-fabrikam-beta",
                Map.of("processors", List.of(Map.of("type", "WorkItemMigration", "wiql", "SELECT [System.Id] FROM WorkItems"))),
                new JobPolicy(3, true));

        JobSpec spec = validator.validate(validSpecJson());

        assertThat(spec).isEqualTo(expected);
        assertThat(spec).as("the fixture builder agrees with the JSON fixture").isEqualTo(aJobSpec().build());
    }

    @Test
    void optionalFieldsTakeTheirDefaults() {
        ObjectNode json = validSpecJson();
        json.remove(List.of("requiredCapabilities", "mappingScope", "config", "policy"));
        source(json).remove(List.of("project", "credentialRef"));

        JobSpec spec = validator.validate(json);

        assertThat(spec.requiredCapabilities()).isEmpty();
        assertThat(spec.mappingScope()).isNull();
        assertThat(spec.config()).isEmpty();
        assertThat(spec.policy()).isEqualTo(JobPolicy.defaults());
        assertThat(spec.source()).isEqualTo(new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/contoso", null, null));
    }

    record Valid(String name, Consumer<ObjectNode> change, Consumer<JobSpec> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Valid> validEdgeCases() {
        String url2048 = "https://dev.azure.com/" + "a".repeat(2048 - "https://dev.azure.com/".length());
        List<String> capabilities32 = IntStream.range(0, 32).mapToObj(i -> "cap-" + i).toList();
        return Stream.of(
                new Valid("name of exactly 200 characters", s -> s.put("name", "n".repeat(200)),
                        spec -> assertThat(spec.name()).hasSize(200)),
                new Valid("url of exactly 2048 characters", s -> source(s).put("url", url2048),
                        spec -> assertThat(spec.source().url()).isEqualTo(url2048)),
                new Valid("project of exactly 256 characters", s -> target(s).put("project", "p".repeat(256)),
                        spec -> assertThat(spec.target().project()).hasSize(256)),
                new Valid("mappingScope of exactly 128 characters", s -> s.put("mappingScope", "m".repeat(128)),
                        spec -> assertThat(spec.mappingScope()).hasSize(128)),
                new Valid("32 capabilities", s -> strings(s.putArray("requiredCapabilities"), capabilities32),
                        spec -> assertThat(spec.requiredCapabilities()).isEqualTo(capabilities32)),
                new Valid("capabilities with dots, underscores and digits", s -> strings(s.putArray("requiredCapabilities"),
                        List.of("git.lfs", "tfs_2018", "7zip")),
                        spec -> assertThat(spec.requiredCapabilities()).containsExactly("git.lfs", "tfs_2018", "7zip")),
                new Valid("maxRetries 0", s -> policy(s).put("maxRetries", 0),
                        spec -> assertThat(spec.policy().maxRetries()).isZero()),
                new Valid("maxRetries 20", s -> policy(s).put("maxRetries", 20),
                        spec -> assertThat(spec.policy().maxRetries()).isEqualTo(20)),
                new Valid("preemptible false", s -> policy(s).put("preemptible", false),
                        spec -> assertThat(spec.policy().preemptible()).isFalse()),
                new Valid("optional fields given as null", s -> {
                    s.putNull("requiredCapabilities");
                    s.putNull("mappingScope");
                    s.putNull("config");
                    s.putNull("policy");
                    target(s).putNull("project");
                    target(s).putNull("credentialRef");
                }, spec -> assertThat(spec.target().credentialRef()).isNull()),
                new Valid("the other tier, region and kind", s -> {
                    s.put("tier", "Platinum");
                    s.put("region", "northeurope");
                    s.put("kind", "Inventory");
                }, spec -> assertThat(List.of(spec.tier(), spec.region(), spec.kind()))
                        .containsExactly(Tier.Platinum, "northeurope", JobKind.Inventory)),
                new Valid("TeamFoundationServer over http", s -> {
                    source(s).put("type", "TeamFoundationServer");
                    source(s).put("url", "http://tfs.contoso.com:8080/tfs/DefaultCollection");
                }, spec -> assertThat(spec.source().type()).isEqualTo(EndpointType.TeamFoundationServer)),
                new Valid("Git with an scp-like address", s -> {
                    target(s).put("type", "Git");
                    target(s).put("url", "git@github.com:fabrikam/beta.git");
                }, spec -> assertThat(spec.target().url()).isEqualTo("git@github.com:fabrikam/beta.git")),
                new Valid("Git over ssh with the user name git", s -> {
                    target(s).put("type", "Git");
                    target(s).put("url", "ssh://git@github.com/fabrikam/beta.git");
                }, spec -> assertThat(spec.target().url()).isEqualTo("ssh://git@github.com/fabrikam/beta.git")),
                new Valid("Simulated without a url", s -> {
                    source(s).put("type", "Simulated");
                    source(s).remove("url");
                }, spec -> assertThat(spec.source().url()).isNull()),
                new Valid("Simulated with a sim url", s -> {
                    source(s).put("type", "Simulated");
                    source(s).put("url", "sim://fast");
                }, spec -> assertThat(spec.source().url()).isEqualTo("sim://fast")),
                new Valid("versioned Key Vault reference", s -> source(s).put("credentialRef",
                                "https://kv-contoso.vault.azure.net/secrets/src-pat/0123456789abcdef0123456789abcdef"),
                        spec -> assertThat(spec.source().credentialRef()).endsWith("0123456789abcdef0123456789abcdef")),
                new Valid("env reference", s -> source(s).put("credentialRef", "env:SOURCE_PAT"),
                        spec -> assertThat(spec.source().credentialRef()).isEqualTo("env:SOURCE_PAT")),
                new Valid("config with nulls, numbers and nested arrays", s -> config(s).set("extra",
                                Json.mapper().createArrayNode().addNull().add(1.5).add(NODES.arrayNode().add(true))),
                        spec -> assertThat(spec.config().get("extra")).isEqualTo(java.util.Arrays.asList(null, 1.5, List.of(true)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validEdgeCases")
    void validEdgeCaseIsAccepted(Valid c) {
        ObjectNode json = validSpecJson();
        c.change().accept(json);

        c.check().accept(validator.validate(json));
    }

    // ---------------------------------------------------------------- invalid specs, one problem each

    record Invalid(String name, Consumer<ObjectNode> change, Set<String> fields) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Invalid invalid(String name, Consumer<ObjectNode> change, String... fields) {
        return new Invalid(name, change, Set.of(fields));
    }

    static Stream<Invalid> invalidSpecs() {
        return Stream.of(
                // required fields
                invalid("name missing", s -> s.remove("name"), "name"),
                invalid("name null", s -> s.putNull("name"), "name"),
                invalid("tier missing", s -> s.remove("tier"), "tier"),
                invalid("region missing", s -> s.remove("region"), "region"),
                invalid("kind missing", s -> s.remove("kind"), "kind"),
                invalid("source missing", s -> s.remove("source"), "source"),
                invalid("target missing", s -> s.remove("target"), "target"),
                invalid("source.type missing", s -> source(s).remove("type"), "source.type"),
                invalid("source.url missing for AzureDevOps", s -> source(s).remove("url"), "source.url"),
                invalid("target.url null", s -> target(s).putNull("url"), "target.url"),
                // wrong types
                invalid("name is a number", s -> s.put("name", 42), "name"),
                invalid("name is an object", s -> s.putObject("name"), "name"),
                invalid("tier is a number", s -> s.put("tier", 3), "tier"),
                invalid("kind is an array", s -> s.putArray("kind").add("Migrate"), "kind"),
                invalid("region is a number", s -> s.put("region", 1), "region"),
                invalid("source is a string", s -> s.put("source", "https://dev.azure.com/contoso"), "source"),
                invalid("target is an array", s -> s.putArray("target"), "target"),
                invalid("source.type is a boolean", s -> source(s).put("type", true), "source.type"),
                invalid("source.url is a number", s -> source(s).put("url", 7), "source.url"),
                invalid("source.project is a boolean", s -> source(s).put("project", true), "source.project"),
                invalid("source.credentialRef is an object", s -> source(s).putObject("credentialRef"), "source.credentialRef"),
                invalid("requiredCapabilities is a string", s -> s.put("requiredCapabilities", "azure-devops"), "requiredCapabilities"),
                invalid("a capability is a number", s -> s.putArray("requiredCapabilities").add(1), "requiredCapabilities[0]"),
                invalid("a capability is null", s -> s.putArray("requiredCapabilities").add("git").addNull(), "requiredCapabilities[1]"),
                invalid("mappingScope is a number", s -> s.put("mappingScope", 12), "mappingScope"),
                invalid("config is an array", s -> s.putArray("config"), "config"),
                invalid("config is a string", s -> s.put("config", "{}"), "config"),
                invalid("policy is a number", s -> s.put("policy", 3), "policy"),
                // unknown enum values (the wire names are case-sensitive)
                invalid("tier Gold", s -> s.put("tier", "Gold"), "tier"),
                invalid("tier in lower case", s -> s.put("tier", "premium"), "tier"),
                invalid("kind Copy", s -> s.put("kind", "Copy"), "kind"),
                invalid("source.type GitHub", s -> source(s).put("type", "GitHub"), "source.type"),
                invalid("target.type in lower case", s -> target(s).put("type", "azuredevops"), "target.type"),
                // regions
                invalid("region not served here", s -> s.put("region", "eastus"), "region"),
                invalid("region not lower case", s -> s.put("region", "WestEurope"), "region"),
                invalid("region with a space", s -> s.put("region", "west europe"), "region"),
                invalid("region empty", s -> s.put("region", ""), "region"),
                // URLs
                invalid("url without scheme", s -> source(s).put("url", "dev.azure.com/contoso"), "source.url"),
                invalid("url relative", s -> target(s).put("url", "/fabrikam"), "target.url"),
                invalid("url without host", s -> source(s).put("url", "https:///contoso"), "source.url"),
                invalid("AzureDevOps over http", s -> source(s).put("url", "http://dev.azure.com/contoso"), "source.url"),
                invalid("TeamFoundationServer over ssh", s -> {
                    source(s).put("type", "TeamFoundationServer");
                    source(s).put("url", "ssh://tfs.contoso.local/tfs");
                }, "source.url"),
                invalid("Git over ftp", s -> {
                    target(s).put("type", "Git");
                    target(s).put("url", "ftp://git.fabrikam.com/beta.git");
                }, "target.url"),
                invalid("url with user and password", s -> source(s).put("url", "https://alice:hunter2@dev.azure.com/contoso"),
                        "source.url"),
                invalid("https url with a user name", s -> source(s).put("url", "https://alice@dev.azure.com/contoso"), "source.url"),
                invalid("ssh url with user and password", s -> {
                    target(s).put("type", "Git");
                    target(s).put("url", "ssh://git:hunter2@github.com/fabrikam/beta.git");
                }, "target.url"),
                invalid("url of 2049 characters", s -> source(s).put("url", "https://dev.azure.com/" + "a".repeat(2049 - 22)),
                        "source.url"),
                invalid("url with a space", s -> source(s).put("url", "https://dev.azure.com/con toso"), "source.url"),
                // hosts the operator's agents must not be sent to with a tenant's credentials
                invalid("url on the cloud metadata address", s -> source(s).put("url", "https://169.254.169.254/metadata"),
                        "source.url"),
                invalid("url on a private address", s -> target(s).put("url", "https://10.1.2.3/tfs"), "target.url"),
                invalid("url on loopback as a number", s -> source(s).put("url", "https://2130706433/"), "source.url"),
                invalid("url on IPv6 loopback", s -> source(s).put("url", "https://[::1]:8443/"), "source.url"),
                invalid("url on localhost", s -> source(s).put("url", "https://localhost/contoso"), "source.url"),
                invalid("url on a .internal name", s -> source(s).put("url", "https://metadata.google.internal/x"), "source.url"),
                invalid("git over ssh to a private address", s -> {
                    target(s).put("type", "Git");
                    target(s).put("url", "ssh://git@192.168.0.10/fabrikam/beta.git");
                }, "target.url"),
                // name and project
                invalid("name blank", s -> s.put("name", "   "), "name"),
                invalid("name of 201 characters", s -> s.put("name", "n".repeat(201)), "name"),
                invalid("name with a bell character", s -> s.put("name", "alpha\u0007beta"), "name"),
                invalid("name with a line feed", s -> s.put("name", "alpha\nbeta"), "name"),
                invalid("name with a C1 control character", s -> s.put("name", "alpha\u0085beta"), "name"),
                invalid("project of 257 characters", s -> target(s).put("project", "p".repeat(257)), "target.project"),
                invalid("project with a tab", s -> target(s).put("project", "Be\tta"), "target.project"),
                // credential references
                invalid("credentialRef a bare name", s -> source(s).put("credentialRef", "src-pat"), "source.credentialRef"),
                invalid("credentialRef Key Vault over http", s -> source(s).put("credentialRef",
                        "http://kv-contoso.vault.azure.net/secrets/src-pat"), "source.credentialRef"),
                invalid("credentialRef not a Key Vault host", s -> source(s).put("credentialRef",
                        "https://vault.example.com/secrets/src-pat"), "source.credentialRef"),
                invalid("credentialRef env name starting with a digit", s -> target(s).put("credentialRef", "env:1PAT"),
                        "target.credentialRef"),
                // capabilities
                invalid("duplicate capability", s -> strings(s.putArray("requiredCapabilities"),
                        List.of("azure-devops", "git", "azure-devops")), "requiredCapabilities[2]"),
                invalid("capability in upper case", s -> strings(s.putArray("requiredCapabilities"), List.of("Azure-DevOps")),
                        "requiredCapabilities[0]"),
                invalid("capability with a space", s -> strings(s.putArray("requiredCapabilities"), List.of("git", "azure devops")),
                        "requiredCapabilities[1]"),
                invalid("capability starting with a dash", s -> strings(s.putArray("requiredCapabilities"), List.of("-git")),
                        "requiredCapabilities[0]"),
                invalid("capability of 65 characters", s -> strings(s.putArray("requiredCapabilities"), List.of("c".repeat(65))),
                        "requiredCapabilities[0]"),
                invalid("capability empty", s -> strings(s.putArray("requiredCapabilities"), List.of("")),
                        "requiredCapabilities[0]"),
                invalid("two bad capabilities", s -> strings(s.putArray("requiredCapabilities"), List.of("ok", "BAD", "al/so")),
                        "requiredCapabilities[1]", "requiredCapabilities[2]"),
                invalid("33 capabilities", s -> strings(s.putArray("requiredCapabilities"),
                        IntStream.range(0, 33).mapToObj(i -> "cap-" + i).toList()), "requiredCapabilities"),
                // mapping scope: it becomes part of a Table Storage key
                invalid("mappingScope with /", s -> s.put("mappingScope", "contoso/alpha"), "mappingScope"),
                invalid("mappingScope with \\", s -> s.put("mappingScope", "contoso\\alpha"), "mappingScope"),
                invalid("mappingScope with #", s -> s.put("mappingScope", "contoso#alpha"), "mappingScope"),
                invalid("mappingScope with ?", s -> s.put("mappingScope", "contoso?alpha"), "mappingScope"),
                invalid("mappingScope with a control character", s -> s.put("mappingScope", "contoso\u0001alpha"), "mappingScope"),
                invalid("mappingScope with DEL", s -> s.put("mappingScope", "contoso\u007Falpha"), "mappingScope"),
                invalid("mappingScope empty", s -> s.put("mappingScope", ""), "mappingScope"),
                invalid("mappingScope of 129 characters", s -> s.put("mappingScope", "m".repeat(129)), "mappingScope"),
                invalid("mappingScope starting with a dot", s -> s.put("mappingScope", ".alpha"), "mappingScope"),
                // policy
                invalid("maxRetries negative", s -> policy(s).put("maxRetries", -1), "policy.maxRetries"),
                invalid("maxRetries 21", s -> policy(s).put("maxRetries", 21), "policy.maxRetries"),
                invalid("maxRetries not an integer", s -> policy(s).put("maxRetries", 2.5), "policy.maxRetries"),
                invalid("maxRetries a string", s -> policy(s).put("maxRetries", "3"), "policy.maxRetries"),
                invalid("maxRetries a boolean", s -> policy(s).put("maxRetries", true), "policy.maxRetries"),
                // 2^64 + 3: a check on asLong() would see 3
                invalid("maxRetries overflowing a long", s -> policy(s).put("maxRetries",
                        BigInteger.TWO.pow(64).add(BigInteger.valueOf(3))), "policy.maxRetries"),
                invalid("maxRetries overflowing an int", s -> policy(s).put("maxRetries", (1L << 32) + 3), "policy.maxRetries"),
                invalid("preemptible a string", s -> policy(s).put("preemptible", "true"), "policy.preemptible"),
                invalid("preemptible a number", s -> policy(s).put("preemptible", 1), "policy.preemptible"),
                // unknown fields
                invalid("unknown top-level field", s -> s.put("priority", 5), "priority"),
                invalid("tenantId cannot be chosen by the client", s -> s.put("tenantId", "other-tenant"), "tenantId"),
                invalid("unknown endpoint field", s -> source(s).put("branch", "main"), "source.branch"),
                invalid("unknown policy field", s -> policy(s).put("backoffSeconds", 10), "policy.backoffSeconds"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void invalidSpecIsRefusedNamingTheField(Invalid c) {
        ObjectNode json = validSpecJson();
        c.change().accept(json);

        assertThat(fieldsOf(refusal(json))).isEqualTo(c.fields());
    }

    @Test
    void aHostTheOperatorAllowsMayBePrivate() {
        JobSpecValidator allowing = new JobSpecValidator(Set.of("westeurope"), MAX_SPEC_BYTES, Json.mapper(),
                new EndpointHosts(Set.of("tfs.contoso.local", "*.corp.contoso.com")));
        ObjectNode json = validSpecJson();
        source(json).put("type", "TeamFoundationServer");
        source(json).put("url", "http://tfs.contoso.local:8080/tfs/DefaultCollection");
        target(json).put("url", "https://ado.corp.contoso.com/fabrikam");

        assertThat(allowing.validate(json).source().url()).isEqualTo("http://tfs.contoso.local:8080/tfs/DefaultCollection");
        source(json).put("url", "http://tfs2.contoso.local:8080/tfs");
        assertThat(fieldsOf(assertThrowsValidation(() -> allowing.validate(json)))).containsExactly("source.url");
    }

    private static io.controlplane.domain.ValidationException assertThrowsValidation(Runnable call) {
        try {
            call.run();
        } catch (io.controlplane.domain.ValidationException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void anUnservedRegionIsRefusedNamingTheServedRegions() {
        ObjectNode json = validSpecJson();
        json.put("region", "eastus");

        FieldError error = refusal(json).errors().get(0);

        assertThat(error.field()).isEqualTo("region");
        assertThat(error.message()).contains("eastus", "[northeurope, westeurope]");
    }

    @Test
    void aMissingRegionIsRefusedNamingTheServedRegions() {
        ObjectNode json = validSpecJson();
        json.remove("region");

        assertThat(refusal(json).errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("northeurope", "westeurope"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ObjectNode json = validSpecJson();
        json.remove("name");
        json.put("tier", "Gold");
        json.put("region", "eastus");
        json.remove("kind");
        strings(json.putArray("requiredCapabilities"), List.of("git", "git"));
        source(json).put("url", "ftp://dev.azure.com/contoso");
        source(json).put("colour", "blue");
        target(json).put("credentialRef", "tgt-pat");
        json.put("mappingScope", "a/b");
        json.put("config", "none");
        policy(json).put("maxRetries", 99);
        policy(json).put("preemptible", "yes");
        json.put("extra", 1);

        assertThat(fieldsOf(refusal(json))).isEqualTo(Set.of("name", "tier", "region", "kind", "requiredCapabilities[1]",
                "source.url", "source.colour", "target.credentialRef", "mappingScope", "config", "policy.maxRetries",
                "policy.preemptible", "extra"));
    }

    static Stream<Arguments> notAnObject() {
        return Stream.of(
                Arguments.of("no body", null),
                Arguments.of("JSON null", NODES.nullNode()),
                Arguments.of("an array", NODES.arrayNode().add(validSpecJson())),
                Arguments.of("a string", NODES.textNode("{}")),
                Arguments.of("a number", NODES.numberNode(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notAnObject")
    void aBodyThatIsNotAnObjectIsRefused(String name, JsonNode body) {
        assertThat(refusal(body).errors()).extracting(FieldError::field).containsExactly("");
    }

    // ---------------------------------------------------------------- size and depth

    @Test
    void aSpecOverTheSizeLimitIsTooLarge() {
        ObjectNode json = validSpecJson();
        config(json).put("blob", "x".repeat(MAX_SPEC_BYTES));

        assertThatThrownBy(() -> validator.validate(json))
                .isInstanceOfSatisfying(PayloadTooLargeException.class,
                        e -> assertThat(e.limitBytes()).isEqualTo(MAX_SPEC_BYTES));
    }

    @Test
    void theSizeLimitIsInclusiveAndCountsUtf8Bytes() throws Exception {
        ObjectNode json = validSpecJson();
        config(json).put("note", "\u00e9\u00e9\u00e9"); // two bytes each in UTF-8
        int bytes = Json.mapper().writeValueAsString(json).getBytes(StandardCharsets.UTF_8).length;

        JobSpecValidator atLimit = new JobSpecValidator(Set.of("westeurope"), bytes, Json.mapper());
        JobSpecValidator underLimit = new JobSpecValidator(Set.of("westeurope"), bytes - 1, Json.mapper());

        assertThat(atLimit.validate(json).config()).containsKey("note");
        assertThatThrownBy(() -> underLimit.validate(json)).isInstanceOf(PayloadTooLargeException.class);
    }

    @Test
    void configNestedToTheLimitIsAccepted() {
        ObjectNode json = validSpecJson();
        nest(json.putObject("config"), JobSpecValidator.MAX_CONFIG_DEPTH - 1);

        assertThat(validator.validate(json).config()).containsKey("a");
    }

    @Test
    void configNestedDeeperThanTheLimitIsRefusedWhereItCrossesIt() {
        ObjectNode json = validSpecJson();
        nest(json.putObject("config"), JobSpecValidator.MAX_CONFIG_DEPTH);

        assertThat(fieldsOf(refusal(json))).containsExactly("config" + ".a".repeat(JobSpecValidator.MAX_CONFIG_DEPTH));
    }

    /** {@code levels} objects nested under {@code config}: config itself is level 1. */
    private static void nest(ObjectNode config, int levels) {
        ObjectNode current = config;
        for (int i = 0; i < levels; i++) {
            current = current.putObject("a");
        }
    }

    // ---------------------------------------------------------------- secrets

    /**
     * A raw secret ({@code value}) put at {@code pointer}; {@code secret} is the part no message may
     * echo. Public, with {@link #rawSecrets}: the host tests send these specs too and check their logs.
     */
    public record Secret(String kind, String pointer, JsonNode value, String secret, String field) {

        /** The example spec of docs/openapi.yaml with this secret in it, as a client would POST it. */
        public String specJson() {
            ObjectNode spec = validSpecJson();
            put(spec, pointer, value);
            return spec.toString();
        }

        @Override
        public String toString() {
            return kind + " at " + field;
        }
    }

    private static Secret secret(String kind, String pointer, String value, String field) {
        return new Secret(kind, pointer, NODES.textNode(value), value, field);
    }

    private static Secret secret(String kind, String pointer, String value, String secretPart, String field) {
        return new Secret(kind, pointer, NODES.textNode(value), secretPart, field);
    }

    private static final String ADO_PAT = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";
    private static final String GITHUB_TOKEN = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    private static final String STORAGE_KEY = "A1b2".repeat(21) + "C3==";

    public static Stream<Secret> rawSecrets() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
                + "-----END RSA PRIVATE KEY-----\n";
        String sig = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789%2B%3D";
        String busKey = "c2VjcmV0LXNoYXJlZC1hY2Nlc3Mta2V5LXZhbHVlMTI=";
        return Stream.of(
                new Secret("Azure DevOps PAT deep inside arrays", "/config/processors/0/options",
                        NODES.arrayNode().add("x").add(NODES.arrayNode().add("a").add(ADO_PAT)), ADO_PAT,
                        "config.processors[0].options[1][1]"),
                secret("Azure DevOps PAT", "/target/credentialRef", ADO_PAT, "target.credentialRef"),
                secret("GitHub ghp_ token", "/source/credentialRef", GITHUB_TOKEN, "source.credentialRef"),
                secret("GitHub fine-grained token", "/name",
                        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV", "name"),
                secret("JSON Web Token", "/target/project",
                        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl", "target.project"),
                secret("storage connection string", "/config/sink/storage",
                        "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=" + STORAGE_KEY
                                + ";EndpointSuffix=core.windows.net", STORAGE_KEY, "config.sink.storage"),
                secret("Service Bus connection string", "/config/queues",
                        "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
                                + "SharedAccessKey=" + busKey, busKey, "config.queues"),
                secret("SAS URL", "/config/export/blobUrl",
                        "https://contoso.blob.core.windows.net/export?sv=2022-11-02&sp=r&sig=" + sig, sig,
                        "config.export.blobUrl"),
                secret("PEM private key", "/config/git/deployKey", pem,
                        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun", "config.git.deployKey"),
                secret("AWS access key", "/source/project", "AKIAABCDEFGHIJKLMNOP", "source.project"),
                secret("Slack bot token", "/config/notify/slack", "xoxb-0000000000-0000000000000-FAKEfakeFAKEfakeFAKEfake",
                        "config.notify.slack"),
                new Secret("Bearer header value in an array", "/config/headers",
                        NODES.arrayNode().add("Accept: application/json").add("Bearer abcdefghijklmnopqrstuvwxyz0123456789"),
                        "abcdefghijklmnopqrstuvwxyz0123456789", "config.headers[1]"),
                secret("whole Authorization header line", "/config/header",
                        "Authorization: Basic YWxpY2U6aHVudGVyMi1odW50ZXIy", "YWxpY2U6aHVudGVyMi1odW50ZXIy", "config.header"),
                secret("URL with user:password", "/config/mirror", "https://migrator:Sup3rS3cret!@dev.azure.com/contoso",
                        "Sup3rS3cret!", "config.mirror"),
                secret("URL with an empty user and a password", "/config/remote",
                        "https://:hunter2-in-url@dev.azure.com/contoso", "hunter2-in-url", "config.remote"),
                secret("storage account key alone", "/config/storageKey", STORAGE_KEY, "config.storageKey"),
                secret("plain password", "/config/auth/password", "hunter2-plain-text", "config.auth.password"),
                secret("plain clientSecret", "/config/auth/clientSecret", "Q8~abcdefghijklmnopqrstuv.wxyz0123456",
                        "config.auth.clientSecret"),
                secret("plain token", "/config/processors/0/token", "plain-token-value-123", "config.processors[0].token"),
                secret("plain client_secret in snake case", "/config/auth/client_secret", "another-plain-secret",
                        "config.auth.client_secret"),
                secret("plain password under a compound name", "/config/sourcePassword", "hunter2-compound",
                        "config.sourcePassword"),
                secret("plain Authorization header field", "/config/headers/Authorization", "hunter2-header",
                        "config.headers.Authorization"),
                new Secret("password given as a number", "/config/database/password", NODES.numberNode(987654321),
                        "987654321", "config.database.password"),
                new Secret("plain values in a credentials list", "/config/credentials",
                        NODES.arrayNode().add("env:FIRST").add("hunter2-listed"), "hunter2-listed", "config.credentials[1]"),
                secret("GitHub token as mappingScope", "/mappingScope", GITHUB_TOKEN, "mappingScope"),
                new Secret("GitHub token as a field name", "/config/lookup",
                        NODES.objectNode().put(GITHUB_TOKEN, "value"), GITHUB_TOKEN, "config.lookup.<redacted>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawSecrets")
    void aRawSecretIsRefusedNamingTheFieldWithoutEchoingIt(Secret c) {
        ObjectNode json = validSpecJson();
        put(json, c.pointer(), c.value());

        ValidationException refusal = refusal(json);

        assertThat(fieldsOf(refusal)).isEqualTo(Set.of(c.field()));
        assertThat(refusal.getMessage()).doesNotContain(c.secret());
        assertThat(refusal.errors()).allSatisfy(e -> {
            assertThat(e.field()).doesNotContain(c.secret());
            assertThat(e.message()).doesNotContain(c.secret());
        });
    }

    @Test
    void aPatListedTwiceAsACapabilityIsNotEchoedInTheDuplicateMessage() {
        ObjectNode json = validSpecJson();
        strings(json.putArray("requiredCapabilities"), List.of(ADO_PAT, ADO_PAT));

        ValidationException refusal = refusal(json);

        assertThat(fieldsOf(refusal)).isEqualTo(Set.of("requiredCapabilities[0]", "requiredCapabilities[1]"));
        assertThat(refusal.getMessage()).doesNotContain(ADO_PAT);
    }

    static Stream<Arguments> referencesInSecretFields() {
        List<String> pointers = List.of("/source/credentialRef", "/config/auth/password", "/config/auth/clientSecret",
                "/config/processors/0/token", "/config/headers/Authorization");
        List<String> references = List.of(
                "https://kv-contoso.vault.azure.net/secrets/ado-pat",
                "https://kv-contoso.vault.azure.net/secrets/ado-pat/0123456789abcdef0123456789abcdef",
                "env:ADO_PAT");
        return pointers.stream().flatMap(p -> references.stream().map(r -> Arguments.of(p, r)));
    }

    @ParameterizedTest(name = "{1} at {0}")
    @MethodSource("referencesInSecretFields")
    void aReferenceIsAcceptedWhereASecretWouldBeRefused(String pointer, String reference) {
        ObjectNode json = validSpecJson();
        put(json, pointer, NODES.textNode(reference));

        JobSpec spec = validator.validate(json);

        JsonNode stored = Json.mapper().valueToTree(Map.of("source", spec.source(), "config", spec.config()));
        assertThat(stored.at(pointer).asText()).isEqualTo(reference);
    }

    @Test
    void ordinaryValuesAreNotMistakenForSecrets() {
        ObjectNode json = validSpecJson();
        ObjectNode config = config(json);
        config.put("commit", "9fceb02d0ae598e95dc970b74767f19372d61af8");
        config.put("areaId", "6f2f5f0c-3c3e-4b8a-9a47-1f0b2c7e5d11");
        config.put("continuationToken", "c2t1cDoxMDA");
        config.put("tokenUrl", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token");
        config.put("secretName", "src-pat");
        config.put("repo", "https://dev.azure.com/contoso/Alpha/_git/alpha");
        config.put("description", "Basic migration of work items; bearer of bad news: none");
        config.put("password", "");

        assertThat(validator.validate(json).config()).containsEntry("secretName", "src-pat");
    }

    // ---------------------------------------------------------------- helpers

    private ValidationException refusal(JsonNode body) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> validator.validate(body));
        assertThat(e).as("the spec should have been refused").isNotNull();
        return e;
    }

    private static Set<String> fieldsOf(ValidationException e) {
        return e.errors().stream().map(FieldError::field).collect(Collectors.toSet());
    }

    private static ObjectNode source(ObjectNode spec) {
        return (ObjectNode) spec.get("source");
    }

    private static ObjectNode target(ObjectNode spec) {
        return (ObjectNode) spec.get("target");
    }

    private static ObjectNode config(ObjectNode spec) {
        return (ObjectNode) spec.get("config");
    }

    private static ObjectNode policy(ObjectNode spec) {
        return (ObjectNode) spec.get("policy");
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    /** Sets {@code value} at a JSON pointer, creating missing objects on the way; numeric steps index arrays. */
    public static void put(ObjectNode root, String pointer, JsonNode value) {
        String[] steps = pointer.substring(1).split("/");
        JsonNode current = root;
        for (int i = 0; i < steps.length - 1; i++) {
            JsonNode next = current.isArray() ? current.get(Integer.parseInt(steps[i])) : current.get(steps[i]);
            if (next == null) {
                next = ((ObjectNode) current).putObject(steps[i]);
            }
            current = next;
        }
        ((ObjectNode) current).set(steps[steps.length - 1], value);
    }
}
