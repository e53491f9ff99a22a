package io.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

class RedactingHandlerTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJlLXZhbHVl";
    private static final String PAT = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";

    /** Keeps what it is given, and its text as the worker's handlers would print it. */
    static final class Kept extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        String text() {
            StringBuilder out = new StringBuilder();
            for (LogRecord r : records) {
                out.append(r.getMessage()).append('\n');
                if (r.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    r.getThrown().printStackTrace(new PrintWriter(trace));
                    out.append(trace);
                }
                out.append(new SimpleFormatter().format(r));
            }
            return out.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static Logger loggerWith(Handler handler) {
        Logger logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
        return logger;
    }

    @Test
    void theMessageItsParametersAndTheWholeExceptionChainAreRedacted() {
        Kept kept = new Kept();
        Logger logger = RedactingHandler.redact(loggerWith(kept));
        IllegalStateException cause = new IllegalStateException("AccountKey=c2VjcmV0LWtleQ== refused");
        RuntimeException thrown = new RuntimeException("calling with Authorization: Bearer " + JWT, cause);
        thrown.addSuppressed(new IllegalArgumentException("pat " + PAT));

        logger.log(Level.WARNING, "event=mistake header={0} url=https://:{1}@dev.azure.com/x", new Object[] {"Bearer " + JWT, PAT});
        logger.log(Level.SEVERE, "event=failed", thrown);

        String text = kept.text();
        assertThat(text).doesNotContain(JWT).doesNotContain(PAT).doesNotContain("c2VjcmV0LWtleQ==")
                .contains("event=mistake header=Bearer [REDACTED] url=https://:[REDACTED]@dev.azure.com/x")
                .contains("java.lang.RuntimeException: calling with Authorization: Bearer [REDACTED]")
                .contains("Caused by: java.lang.IllegalStateException: AccountKey=[REDACTED] refused")
                .contains("Suppressed: java.lang.IllegalArgumentException: pat [REDACTED]")
                .contains("at io.controlplane.telemetry.RedactingHandlerTest");
    }

    @Test
    void theRecordKeepsWhatTheHostShows() {
        Kept kept = new Kept();
        Logger logger = RedactingHandler.redact(loggerWith(kept));

        logger.logp(Level.INFO, "io.controlplane.X", "run", "event=ok");

        LogRecord record = kept.records.get(0);
        assertThat(record.getLevel()).isEqualTo(Level.INFO);
        assertThat(record.getMessage()).isEqualTo("event=ok");
        assertThat(record.getSourceClassName()).isEqualTo("io.controlplane.X");
        assertThat(record.getSourceMethodName()).isEqualTo("run");
        assertThat(record.getLongThreadID()).isEqualTo(Thread.currentThread().getId());
    }

    @Test
    void wrappingIsIdempotentAndCatchesHandlersAddedLater() {
        Kept first = new Kept();
        Logger logger = loggerWith(first);
        RedactingHandler.redact(logger);
        RedactingHandler.redact(logger);
        assertThat(logger.getHandlers()).hasSize(1).allSatisfy(h -> assertThat(h).isInstanceOf(RedactingHandler.class));

        Kept later = new Kept();
        logger.addHandler(later);
        RedactingHandler.redact(logger);
        logger.info("token=" + JWT);

        assertThat(logger.getHandlers()).hasSize(2).allSatisfy(h -> assertThat(h).isInstanceOf(RedactingHandler.class));
        assertThat(first.records).hasSize(1);
        assertThat(later.text()).doesNotContain(JWT).contains("token=[REDACTED]");
    }

    @Test
    void anExceptionThatIsItsOwnCauseDoesNotLoop() {
        Kept kept = new Kept();
        Logger logger = RedactingHandler.redact(loggerWith(kept));
        RuntimeException a = new RuntimeException("a " + PAT);
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);

        logger.log(Level.SEVERE, "event=loop", b);

        assertThat(kept.text()).doesNotContain(PAT).contains("CIRCULAR REFERENCE");
    }
}
