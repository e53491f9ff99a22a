package io.controlplane.standalone;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.controlplane.validation.SecretScanner;

/**
 * The standalone host's log layout (logback.xml): the usual pattern, then every secret in the
 * whole line masked ({@link SecretScanner#redact}): message, exception and stack trace, thread
 * and MDC alike, so a token or credential logged by mistake is never written.
 */
public final class RedactingPatternLayout extends PatternLayout {

    @Override
    public String doLayout(ILoggingEvent event) {
        return SecretScanner.redact(super.doLayout(event));
    }
}
