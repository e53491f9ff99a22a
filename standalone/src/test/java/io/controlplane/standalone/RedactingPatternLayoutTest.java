package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class RedactingPatternLayoutTest {

    private static final String JWT = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJlLXZhbHVlLTAx";
    private static final String PAT = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static String layout(String message, Throwable thrown) {
        LoggerContext context = new LoggerContext();
        RedactingPatternLayout layout = new RedactingPatternLayout();
        layout.setContext(context);
        layout.setPattern("level=%level %msg%n");
        layout.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("test"), Level.WARN, message, thrown, null);
        return layout.doLayout(event);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a JWT                        | event=mistake token=" + JWT + "                        | " + JWT,
            "a bearer Authorization value | Authorization: Bearer opaque-0123456789abcdef-token    | opaque-0123456789abcdef-token",
            "a PAT-like string            | event=clone pat " + PAT + " rejected                    | " + PAT,
            "a PAT in a git URL           | cloning https://:" + PAT + "@dev.azure.com/contoso      | " + PAT,
            "an AccountKey                | AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY + ";TableEndpoint=x | " + ACCOUNT_KEY})
    void masks(String what, String message, String secret) {
        String line = layout(message, null);

        assertThat(line).doesNotContain(secret).contains("[REDACTED]").startsWith("level=WARN ");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "event=request method=POST path=/api/leases/contoso~j-01HV/progress status=409 durationMs=3 tenant=provider requestId=4bf92f35",
            "event=started host=standalone address=127.0.0.1:7071 regions=[westeurope] environment=development auth=development-issuer"})
    void leavesNormalLinesAlone(String message) {
        assertThat(layout(message, null)).isEqualTo("level=WARN " + message + System.lineSeparator());
    }

    @Test
    void masksTheExceptionAndItsCausesToo() {
        Exception thrown = new IllegalStateException("Authorization: Bearer " + JWT,
                new RuntimeException("connection AccountKey=" + ACCOUNT_KEY));

        String line = layout("event=failed", thrown);

        assertThat(line).doesNotContain(JWT).doesNotContain(ACCOUNT_KEY)
                .contains("java.lang.IllegalStateException: Authorization: Bearer [REDACTED]")
                .contains("Caused by: java.lang.RuntimeException: connection AccountKey=[REDACTED]")
                .contains("at io.controlplane.standalone.RedactingPatternLayoutTest");
    }

    @Test
    void logbackXmlWritesThroughIt() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var stdout = (ch.qos.logback.core.OutputStreamAppender<?>) context.getLogger("ROOT").getAppender("STDOUT");

        assertThat(((LayoutWrappingEncoder<?>) stdout.getEncoder()).getLayout()).isInstanceOf(RedactingPatternLayout.class);
    }
}
