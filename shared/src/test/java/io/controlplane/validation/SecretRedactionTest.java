package io.controlplane.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.domain.JobSpecs;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SecretScanner#redact}: what log lines keep and what they lose. */
class SecretRedactionTest {

    private static final String JWT = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJhZ2VudC0xIiwidGlkIjoiY29udG9zbyJ9"
            + ".c2lnbmF0dXJlLW9mLXRoZS10b2tlbi12YWx1ZQ";
    private static final String ALG_NONE = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZ2VudC0xIn0.";
    private static final String ADO_PAT = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";
    private static final String STORAGE_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    static Stream<Arguments> secretsInLogLines() {
        return Stream.of(
                Arguments.of("event=token_received token=" + JWT + " tenant=contoso", JWT),
                Arguments.of("Authorization: Bearer " + JWT, JWT),
                Arguments.of("headers={Authorization=Bearer " + ALG_NONE + ", Accept=*/*}", ALG_NONE),
                Arguments.of("Authorization: Bearer opaque-token-0123456789abcdef", "opaque-token-0123456789abcdef"),
                Arguments.of("upstream said Bearer opaque-token-0123456789abcdef was refused", "opaque-token-0123456789abcdef"),
                Arguments.of("authorization=Bearer short", "short"),
                Arguments.of("Authorization: Basic YWdlbnQtMTpodW50ZXIyLWJhc2lj", "YWdlbnQtMTpodW50ZXIyLWJhc2lj"),
                Arguments.of("event=clone url=https://:" + ADO_PAT + "@dev.azure.com/contoso", ADO_PAT),
                Arguments.of("pat " + ADO_PAT + " rejected", ADO_PAT),
                Arguments.of("cloning https://migrator:Sup3rS3cret!@dev.azure.com/contoso/_git/alpha", "Sup3rS3cret!"),
                Arguments.of("connecting with DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                        + STORAGE_KEY + ";TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;", STORAGE_KEY),
                Arguments.of("error=AccountKey=abc123secret== is invalid", "abc123secret=="),
                Arguments.of("key " + STORAGE_KEY + " rotated", STORAGE_KEY),
                Arguments.of("Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=k1b2c3d4e5=",
                        "k1b2c3d4e5="),
                Arguments.of("GET https://x.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbCdEfGhIjKl%2Bmn failed",
                        "AbCdEfGhIjKl%2Bmn"),
                Arguments.of("token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 expired", "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"),
                Arguments.of("spec={\"config\":{\"auth\":{\"password\":\"hunter2-plain\"}}}", "hunter2-plain"),
                Arguments.of("clientSecret=Q8~abcdefghij.klm", "Q8~abcdefghij.klm"),
                Arguments.of("key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePz\n"
                        + "-----END RSA PRIVATE KEY-----\nnext", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePz"),
                Arguments.of("AKIAABCDEFGHIJKLMNOP used", "AKIAABCDEFGHIJKLMNOP"),
                Arguments.of("{\"credentials\":[\"env:FIRST\",\"hunter2-listed\",\"[REDACTED]\"]}", "hunter2-listed"),
                Arguments.of("slack xoxb-0000000000-FAKEfakeFAKE", "xoxb-0000000000-FAKEfakeFAKE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secretsInLogLines")
    void aSecretAnywhereInALineIsMasked(String line, String secret) {
        String redacted = SecretScanner.redact(line);

        assertThat(redacted).doesNotContain(secret).contains(SecretScanner.MASK);
        assertThat(SecretScanner.redact(redacted)).as("redacting twice changes nothing").isEqualTo(redacted);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "event=request method=GET path=/api/jobs/j-01HV3K/history status=200 durationMs=4 tenant=contoso requestId=4bf92f35",
            "event=started host=standalone address=127.0.0.1:7071 regions=[westeurope] environment=development auth=jwks",
            "event=reconcile_report region=westeurope expiredLeases=2 releasedReservations=1 staleEntries=3",
            "credentialRef=https://kv-contoso.vault.azure.net/secrets/src-pat",
            "password=env:ADO_PAT",
            "{\"credentials\":[\"env:FIRST\",\"https://kv-contoso.vault.azure.net/secrets/second\"]}",
            "continuationToken=eyJwayI6ImNvbnRvc28ifQ limit=50",
            "The token was refused: Expired JWT",
            "Basic migration of work items",
            "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'Password reset'",
            "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 of ref refs/heads/main",
            "job 6f2f5f0c-3c3e-4b8a-9a47-1f0b2c7e5d11 leased by agent-1 epoch=3"})
    void ordinaryLinesAreLeftAlone(String line) {
        assertThat(SecretScanner.redact(line)).isEqualTo(line);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.controlplane.validation.JobSpecValidatorTest#rawSecrets")
    void everySecretASpecMayNotCarryIsMaskedInALoggedSpecToo(JobSpecValidatorTest.Secret c) {
        ObjectNode spec = JobSpecs.validSpecJson();
        JobSpecValidatorTest.put(spec, c.pointer(), c.value());
        String line = "event=mistake spec=" + spec;

        String redacted = SecretScanner.redact(line);

        assertThat(redacted).doesNotContain(c.secret()).contains("https://dev.azure.com/fabrikam");
        assertThat(SecretScanner.redact(redacted)).isEqualTo(redacted);
    }

    @org.junit.jupiter.api.Test
    void nullAndEmptyPassThrough() {
        assertThat(SecretScanner.redact(null)).isNull();
        assertThat(SecretScanner.redact("")).isEmpty();
    }
}
