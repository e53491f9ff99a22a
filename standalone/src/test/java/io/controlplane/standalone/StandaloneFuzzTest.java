package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.FuzzInputs.Plan;
import io.controlplane.api.FuzzRoutes;
import io.controlplane.api.FuzzScene;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.testing.Azurite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A sample of the fuzz suite (io.controlplane.api.ApiFuzzTest) over real HTTP: a StandaloneHost
 * on Azurite in this JVM, spoken to over a plain socket so that odd paths, methods and headers
 * reach the JDK server as sent. Catches what only the transport does wrong (path decoding, body
 * reading, the adapter's own 500). Stores are not compared here: the host's background work
 * changes them on its own; the in-memory suite checks that refused requests change nothing.
 */
class StandaloneFuzzTest {

    static final int REQUESTS_OVER_HTTP = 500;
    private static final AtomicInteger SENT = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();

    private static StandaloneHost host;
    private static DevIssuer issuer;
    private static FuzzScene scene;
    private static int scenes;
    private static boolean sceneChanged;

    @BeforeContainer
    static void start() throws IOException {
        Path work = Files.createTempDirectory("standalone-fuzz");
        Path keyFile = work.resolve("dev-issuer-key.json");
        Map<String, String> values = io.controlplane.testing.LocalSettings.onSharedAzurite("fuzz", keyFile);
        values.put("MAX_REQUEST_BYTES", "65536");
        values.put("MAX_SPEC_BYTES", "16384");
        // The scene's lease and agent must outlive the sample, or the host's reconciler changes them.
        values.put("LEASE_SECONDS", "3600");
        values.put("AGENT_OFFLINE_SECONDS", "3600");
        host = StandaloneHost.start(values);
        issuer = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
    }

    @AfterContainer
    static void stop() {
        System.out.printf("fuzz suite (standalone host over HTTP): %d requests sent, %d accepted (2xx), %d refused (4xx), %d scenes%n",
                SENT.get(), ACCEPTED.get(), SENT.get() - ACCEPTED.get(), scenes);
        if (host != null) {
            host.close();
        }
    }

    private static FuzzScene scene() {
        if (scene == null || sceneChanged) {
            if (scene != null) {
                scene.retire();
            }
            scene = FuzzScene.setUp(StandaloneFuzzTest::send, issuer, "fuzz-agent-" + ++scenes);
            sceneChanged = false;
        }
        return scene;
    }

    @Property(tries = REQUESTS_OVER_HTTP, seed = "7100", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
    void everyAnswerOverHttpIsA2xxOrA4xxProblem(@ForAll("plans") Plan plan) {
        FuzzScene current = scene();
        FuzzScene.Answer answer = current.send(plan);
        SENT.incrementAndGet();
        if (FuzzScene.accepted(plan, answer)) {
            ACCEPTED.incrementAndGet();
            sceneChanged |= !plan.method().equals("GET") && FuzzRoutes.SCENE_CHANGING.contains(plan.route());
            if (!plan.method().equals("GET")) {
                current.readBack(plan);
            }
        }
    }

    @Provide
    Arbitrary<Plan> plans() {
        // Methods the JDK server handles as any other; the rest of the sample as the in-memory suite makes it.
        return FuzzRoutes.all(host.controlPlane().api().routes(), host.controlPlane().api().maxBodyBytes())
                .filter(p -> p.method().matches("[A-Za-z-]+"));
    }

    /** Headers the socket writes itself, or that would change how the request is framed. */
    private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding", "connection", "expect");

    /**
     * One request on its own connection, written as it is (path characters a request line cannot
     * carry percent-encoded), the answer read to the end.
     */
    static FuzzScene.Answer send(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        try (Socket socket = new Socket("127.0.0.1", host.port())) {
            socket.setSoTimeout(60_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((method + " " + requestTarget(pathAndQuery) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            headers.forEach((name, value) -> {
                if (value != null && !FRAMING.contains(name.toLowerCase(Locale.ROOT)) && value.chars().noneMatch(Character::isISOControl)
                        && value.chars().allMatch(c -> c < 0x100)) {
                    request.writeBytes((name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            });
            request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(body);
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("sending " + method + " " + pathAndQuery, e);
        }
    }

    /** Keeps what a request line can carry (including %XX, valid or not as UTF-8); percent-encodes the rest as UTF-8. */
    static String requestTarget(String raw) {
        StringBuilder target = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean escape = c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2));
            if (escape || (c < 0x80 && c > 0x20 && "\"<>\\^`{|}#%[]".indexOf(c) < 0)) {
                target.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1)) ? i + 2 : i + 1;
                for (byte b : raw.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    target.append('%').append(String.format("%02X", b & 0xFF));
                }
                i = end - 1;
            }
        }
        return target.length() == 0 || target.charAt(0) != '/' ? "/" + target : target.toString();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static FuzzScene.Answer read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("an HTTP answer: " + text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.putIfAbsent(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("Transfer-Encoding", ""))) {
            body = dechunk(body);
        }
        return new FuzzScene.Answer(status, headers, body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at);
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length - 1; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }
}
