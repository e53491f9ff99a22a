package io.controlplane.standalone;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * What the host writes to its console, byte for byte: every event of the root logger encoded by
 * the encoder logback.xml gives the STDOUT appender, kept while attached.
 */
final class LogOutput extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Encoder<ILoggingEvent> encoder;
    private final Logger root;
    private final StringBuffer text = new StringBuffer();

    private LogOutput(Encoder<ILoggingEvent> encoder, Logger root) {
        this.encoder = encoder;
        this.root = root;
    }

    static LogOutput attach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var stdout = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDOUT");
        if (stdout == null) {
            throw new IllegalStateException("logback.xml's STDOUT appender is not configured");
        }
        LogOutput output = new LogOutput(stdout.getEncoder(), root);
        output.setContext(context);
        output.setName("test-output");
        output.start();
        root.addAppender(output);
        return output;
    }

    @Override
    protected void append(ILoggingEvent event) {
        text.append(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }

    String text() {
        return text.toString();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
