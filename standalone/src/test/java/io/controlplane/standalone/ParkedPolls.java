package io.controlplane.standalone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many agents' long polls, one connection each, sent whole and then read by one selector thread
 * (thousands of waiting requests without thousands of test threads). Each request asks the server
 * to close after answering, so an answer is complete when its connection ends.
 */
final class ParkedPolls implements AutoCloseable {

    private final List<SocketChannel> channels = new ArrayList<>();
    private final List<ByteArrayOutputStream> received = new ArrayList<>();
    private final long[] answeredAt;
    private final String[] failures;
    private final AtomicInteger answered = new AtomicInteger();
    private final CountDownLatch all;
    private final Selector selector;
    private final Thread reader;

    private ParkedPolls(int count) throws IOException {
        this.answeredAt = new long[count];
        this.failures = new String[count];
        this.all = new CountDownLatch(count);
        this.selector = Selector.open();
        this.reader = new Thread(this::read, "parked-polls");
        this.reader.setDaemon(true);
    }

    /** {@code POST /api/agents/{agentIds[i]}/lease?waitSeconds=...} for each agent, all sent when this returns. */
    static ParkedPolls open(int port, List<String> agentIds, String token, int waitSeconds) throws IOException {
        ParkedPolls polls = new ParkedPolls(agentIds.size());
        for (String agentId : agentIds) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.write(ByteBuffer.wrap(("POST /api/agents/" + agentId + "/lease?waitSeconds=" + waitSeconds + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)));
            polls.channels.add(channel);
            polls.received.add(new ByteArrayOutputStream());
        }
        for (int i = 0; i < polls.channels.size(); i++) {
            polls.channels.get(i).configureBlocking(false);
            polls.channels.get(i).register(polls.selector, SelectionKey.OP_READ, i);
        }
        polls.reader.start();
        return polls;
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (all.getCount() > 0 && selector.isOpen()) {
                selector.select(500);
                for (SelectionKey key : selector.selectedKeys()) {
                    int i = (Integer) key.attachment();
                    SocketChannel channel = (SocketChannel) key.channel();
                    buffer.clear();
                    int n;
                    try {
                        n = channel.read(buffer);
                    } catch (IOException reset) {
                        failures[i] = reset.toString();
                        n = -1;
                    }
                    if (n > 0) {
                        received.get(i).write(buffer.array(), 0, n);
                    } else if (n < 0) {
                        key.cancel();
                        channel.close();
                        answeredAt[i] = System.nanoTime();
                        answered.incrementAndGet();
                        all.countDown();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed by close()
        }
    }

    /** How many connections have ended (answered, or closed without an answer). */
    int answered() {
        return answered.get();
    }

    boolean awaitAll(Duration timeout) throws InterruptedException {
        return all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why reading each connection failed (a reset), or null. */
    List<String> failures() {
        return java.util.Arrays.asList(failures.clone());
    }

    /** Each poll's answer (status 0: closed without one). */
    List<RawHttp.Answer> answers() {
        return received.stream().map(r -> RawHttp.parse(r.toByteArray())).toList();
    }

    /** When each poll's connection ended, in {@link System#nanoTime()}; 0 while open. */
    long[] answeredAt() {
        return answeredAt.clone();
    }

    @Override
    public void close() throws IOException {
        selector.close();
        for (SocketChannel channel : channels) {
            channel.close();
        }
    }
}
