package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathTemplateTest {

    private final PathTemplate jobs = new PathTemplate("/api/jobs");
    private final PathTemplate job = new PathTemplate("/api/jobs/{jobId}");
    private final PathTemplate history = new PathTemplate("/api/jobs/{jobId}/history");
    private final PathTemplate checkpoint = new PathTemplate("/api/leases/{leaseId}/checkpoints/{name}");

    @Test
    void aLiteralPathMatchesItselfWithNoParameters() {
        assertThat(jobs.match("/api/jobs")).contains(Map.of());
    }

    @Test
    void parametersAreTakenFromTheirSegments() {
        assertThat(history.match("/api/jobs/01hwsshg80892cm73fz5hmkrnn/history"))
                .contains(Map.of("jobId", "01hwsshg80892cm73fz5hmkrnn"));
        assertThat(checkpoint.match("/api/leases/l-1/checkpoints/work-items"))
                .contains(Map.of("leaseId", "l-1", "name", "work-items"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/jobs/abc/histories", "/api/job/abc/history", "/api/jobs/abc", "/api/jobs/abc/history/x",
            "/API/jobs/abc/history", "api/jobs/abc/history", "", "/"})
    void otherPathsDoNotMatch(String path) {
        assertThat(history.match(path)).isEmpty();
    }

    @Test
    void anEmptyParameterDoesNotMatch() {
        assertThat(history.match("/api/jobs//history")).isEmpty();
        assertThat(job.match("/api/jobs/")).isEmpty();
    }

    @Test
    void oneTrailingSlashIsIgnored() {
        assertThat(jobs.match("/api/jobs/")).contains(Map.of());
        assertThat(history.match("/api/jobs/abc/history/")).contains(Map.of("jobId", "abc"));
        assertThat(jobs.match("/api/jobs//")).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "a%20b         | a b",
            "a+b           | a+b",
            "%C3%A9t%C3%A9 | été",
            "%c3%a9        | é",
            "a%2Fb         | a/b",
            "100%25        | 100%",
            "%F0%9F%98%80  | 😀",
            "été           | été",
            "😀x           | 😀x"})
    void parametersArePercentDecoded(String raw, String decoded) {
        assertThat(job.match("/api/jobs/" + raw)).contains(Map.of("jobId", decoded));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "%",            // nothing after %
            "abc%4",        // one hex digit
            "%zz",          // not hex
            "%G1",          // not hex
            "%-1",          // a sign is not a digit
            "%\uFF14\uFF11", // fullwidth digits are digits to Character.digit, not hex
            "%C3",          // truncated UTF-8 sequence
            "%FF",          // never valid in UTF-8
            "%C0%AF",       // overlong encoding of '/'
            "%ED%A0%80",    // an encoded surrogate
            "a\uD800b"      // an unpaired surrogate in the raw path
    })
    void malformedEncodingsDoNotMatch(String raw) {
        assertThat(job.match("/api/jobs/" + raw)).isEmpty();
    }

    @Test
    void queryDecodingTurnsPlusIntoSpace() {
        assertThat(PathTemplate.decode("a+b%2Bc", true)).isEqualTo("a b+c");
        assertThat(PathTemplate.decode("a+b", false)).isEqualTo("a+b");
        assertThat(PathTemplate.decode("%zz", true)).isNull();
    }
}
