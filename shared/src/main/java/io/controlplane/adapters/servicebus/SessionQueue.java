package io.controlplane.adapters.servicebus;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverAsyncClient;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * A session-enabled queue as the dispatch bus and the agent inbox use it: one sender, made at once,
 * and one session receiver, made at the first {@link #pump} and shared by every session pumped from
 * it. {@link #close} closes both.
 */
final class SessionQueue {

    private final ServiceBusClients clients;
    private final String name;
    private final Duration lockRenewal;
    private final Logger log;
    private final ServiceBusSenderAsyncClient sender;
    private ServiceBusSessionReceiverAsyncClient sessions;

    /** @param lockRenewal how long the SDK renews a session's lock (longer than a pump holds the session) */
    SessionQueue(ServiceBusClients clients, String name, Duration lockRenewal, Logger log) {
        this.clients = clients;
        this.name = name;
        this.lockRenewal = lockRenewal;
        this.log = log;
        this.sender = clients.asyncSender(name);
    }

    String name() {
        return name;
    }

    ServiceBusSenderAsyncClient sender() {
        return sender;
    }

    /** A started {@link SessionPump} of session {@code sessionId}: see there for retries and holding. */
    SessionPump pump(String sessionId, Function<ServiceBusReceivedMessage, SessionPump.Settlement> handle,
                     Duration retryDelay, Duration maxHold) {
        return new SessionPump(sessions(), name, sessionId, handle, retryDelay, maxHold, log).start();
    }

    private synchronized ServiceBusSessionReceiverAsyncClient sessions() {
        if (sessions == null) {
            sessions = clients.sessionReceiver(name, lockRenewal);
        }
        return sessions;
    }

    /** Closes the sender and the session receiver (if one was made); close the pumps first. */
    void close() {
        closeQuietly(sender);
        ServiceBusSessionReceiverAsyncClient s;
        synchronized (this) {
            s = sessions;
            sessions = null;
        }
        if (s != null) {
            closeQuietly(s);
        }
    }

    private void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("event=servicebus_close_failed queue={} error={}", name, e.getClass().getName());
        }
    }
}
