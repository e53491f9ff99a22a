package io.controlplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Azurite (Table, Queue and Blob emulator) started from the project's pinned npm install,
 * on 127.0.0.1 and free ports, stopped by its PID. {@link #shared()} gives one in-memory instance
 * per test JVM; {@link #start(Path)} a persistent one that a test may stop and restart.
 */
public final class Azurite implements AutoCloseable {

    /** Azurite's well-known development account (public, documented, not a secret). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static Azurite shared;

    private final Path location;
    private final int blobPort;
    private final int queuePort;
    private final int tablePort;
    private Process process;

    private Azurite(Path location, int blobPort, int queuePort, int tablePort) {
        this.location = location;
        this.blobPort = blobPort;
        this.queuePort = queuePort;
        this.tablePort = tablePort;
    }

    /** One in-memory Azurite for the whole test JVM, started on first use. */
    public static synchronized Azurite shared() {
        if (shared == null) {
            shared = new Azurite(null, freePort(), freePort(), freePort());
            shared.startProcess();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "azurite-stop"));
        }
        return shared;
    }

    /**
     * An in-memory Azurite that logs every request it serves to {@code requestLog} (its
     * {@code --debug} log): what the server saw, to count requests from (see {@link #tableRequests}).
     */
    public static Azurite withRequestLog(Path requestLog) {
        Azurite azurite = new Azurite(null, freePort(), freePort(), freePort());
        azurite.requestLog = requestLog;
        azurite.startProcess();
        return azurite;
    }

    /** Table requests the server has logged so far (an entity group transaction is one), by method. */
    public java.util.Map<String, Long> tableRequests() {
        if (requestLog == null) {
            throw new IllegalStateException("started without a request log");
        }
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("TableStorageContextMiddleware: RequestMethod=(\\w+) ");
        try (var lines = Files.lines(requestLog, java.nio.charset.StandardCharsets.UTF_8)) {
            return lines.map(line::matcher).filter(java.util.regex.Matcher::find)
                    .collect(java.util.stream.Collectors.groupingBy(m -> m.group(1), java.util.TreeMap::new,
                            java.util.stream.Collectors.counting()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path requestLog;

    /** A persistent Azurite whose data lives under {@code location}, surviving {@link #restart()}. */
    public static Azurite start(Path location) {
        Azurite azurite = new Azurite(location, freePort(), freePort(), freePort());
        azurite.startProcess();
        return azurite;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=http://127.0.0.1:" + blobPort + "/" + ACCOUNT
                + ";QueueEndpoint=http://127.0.0.1:" + queuePort + "/" + ACCOUNT
                + ";TableEndpoint=http://127.0.0.1:" + tablePort + "/" + ACCOUNT + ";";
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the process (same ports, same data location) and starts it again. */
    public void restart() {
        stopProcess();
        startProcess();
    }

    @Override
    public synchronized void close() {
        stopProcess();
    }

    private synchronized void startProcess() {
        List<String> command = new ArrayList<>(List.of(executable().toString(),
                "--silent", "--skipApiVersionCheck", "--disableTelemetry",
                "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(blobPort),
                "--queueHost", "127.0.0.1", "--queuePort", String.valueOf(queuePort),
                "--tableHost", "127.0.0.1", "--tablePort", String.valueOf(tablePort)));
        try {
            if (requestLog != null) {
                command.add("--debug");
                command.add(requestLog.toString());
            }
            if (location == null) {
                command.add("--inMemoryPersistence");
            } else {
                Files.createDirectories(location);
                command.add("--location");
                command.add(location.toString());
            }
            Path log = Files.createTempFile("azurite", ".log");
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            awaitPort(tablePort, log);
            awaitPort(queuePort, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Azurite: " + command, e);
        }
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        Processes.stop(p, false, 3);
        awaitPortClosed(tablePort);
    }

    private void awaitPort(int port, Path log) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited at start: " + Files.readString(log));
            }
            if (accepts(port)) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("Azurite did not listen on port " + port + " within 60 s: " + Files.readString(log));
    }

    private static void awaitPortClosed(int port) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline) && accepts(port)) {
            sleep(100);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** node_modules/.bin/azurite of the project (installed by `npm ci` at the repository root). */
    static Path executable() {
        Path dir = ProjectRoot.find();
        Path azurite = dir.resolve("node_modules/.bin/azurite");
        if (!Files.isExecutable(azurite)) {
            throw new IllegalStateException("Azurite is not installed at " + azurite
                    + ": run `npm ci` in " + dir + " (scripts/test.sh does it for you)");
        }
        return azurite;
    }
}
