package io.controlplane.telemetry;

import io.controlplane.validation.SecretScanner;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * A java.util.logging handler that passes each record on to another handler with every secret
 * masked ({@link SecretScanner#redact}): in the message (after its parameters are filled in) and in
 * the messages of its exception chain. The Functions host logs through java.util.logging, and the
 * handlers its worker attaches call {@code getMessage()} without a formatter or a filter, so the
 * redaction has to sit in front of the handler itself.
 */
public final class RedactingHandler extends Handler {

    private static final Formatter MESSAGES = new SimpleFormatter();

    private final Handler delegate;

    public RedactingHandler(Handler delegate) {
        this.delegate = Objects.requireNonNull(delegate);
    }

    /**
     * Puts a redacting handler in front of each handler of {@code logger} that has none yet, and
     * returns the logger. Idempotent and cheap, so a host may call it on every invocation to catch
     * handlers added since.
     */
    public static Logger redact(Logger logger) {
        for (Handler handler : logger.getHandlers()) {
            if (!(handler instanceof RedactingHandler)) {
                // Add first, then remove: a record logged meanwhile may be seen twice, never unredacted.
                logger.addHandler(new RedactingHandler(handler));
                logger.removeHandler(handler);
            }
        }
        return logger;
    }

    /** The handler this one passes redacted records to. */
    public Handler delegate() {
        return delegate;
    }

    @Override
    public void publish(LogRecord record) {
        if (record != null) {
            delegate.publish(redacted(record));
        }
    }

    /** A copy of {@code record} whose message is formatted and redacted and whose exception is redacted. */
    static LogRecord redacted(LogRecord record) {
        LogRecord copy = new LogRecord(record.getLevel(), SecretScanner.redact(MESSAGES.formatMessage(record)));
        copy.setLoggerName(record.getLoggerName());
        copy.setInstant(record.getInstant());
        copy.setSequenceNumber(record.getSequenceNumber());
        copy.setLongThreadID(record.getLongThreadID());
        copy.setSourceClassName(record.getSourceClassName());
        copy.setSourceMethodName(record.getSourceMethodName());
        if (record.getThrown() != null) {
            copy.setThrown(new RedactedThrowable(record.getThrown(), new IdentityHashMap<>()));
        }
        return copy;
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /**
     * Stands in for a logged exception: the same class name, stack trace, cause and suppressed
     * exceptions, with every message redacted. Printed exactly as the original would be.
     */
    static final class RedactedThrowable extends Throwable {

        private static final long serialVersionUID = 1L;

        private final String description;

        /** {@code copies}: each exception of the chain copied so far, so a cycle is copied as a cycle. */
        RedactedThrowable(Throwable original, Map<Throwable, RedactedThrowable> copies) {
            super(SecretScanner.redact(original.getMessage()));
            copies.put(original, this);
            this.description = SecretScanner.redact(original.toString());
            setStackTrace(original.getStackTrace());
            Throwable cause = original.getCause();
            if (cause != null) {
                RedactedThrowable copied = copies.get(cause);
                initCause(copied != null ? copied : new RedactedThrowable(cause, copies));
            }
            for (Throwable suppressed : original.getSuppressed()) {
                RedactedThrowable copied = copies.get(suppressed);
                if (copied != this) {
                    addSuppressed(copied != null ? copied : new RedactedThrowable(suppressed, copies));
                }
            }
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // the original's trace is set instead
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
