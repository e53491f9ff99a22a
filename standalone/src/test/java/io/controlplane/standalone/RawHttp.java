package io.controlplane.standalone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes to a server exactly as given, on a connection of their own, and what came back: a status
 * line, headers and body, or nothing at all when the server closed the connection without a word.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** What the server answered; {@code status} is 0 when it closed the connection without answering. */
    record Answer(int status, Map<String, String> headers, byte[] body, String raw) {

        boolean closedWithoutAnswer() {
            return status == 0;
        }

        /** Header value by case-insensitive name, or "". */
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static Answer exchange(int port, byte[] request, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                socket.shutdownOutput();
            } catch (SocketException closedEarly) {
                // the server may answer (and close) before it has read everything: read what it said
            }
            return parse(readAll(socket.getInputStream()));
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // a reset after the answer (the server did not read the rest): keep what arrived
        } catch (SocketTimeoutException timeout) {
            throw new SocketTimeoutException("no end of answer; so far: " + new String(out.toByteArray(), StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    /** The first answer in {@code bytes} (a Content-Length or chunked body, or to the end). */
    static Answer parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (bytes.length == 0 || end < 0) {
            return new Answer(0, Map.of(), new byte[0], text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ");
        int status = statusLine.length > 1 && statusLine[0].startsWith("HTTP/") ? Integer.parseInt(statusLine[1]) : -1;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = Arrays.copyOfRange(bytes, end + 4, bytes.length);
        String length = headers.get("content-length");
        if (length != null && Integer.parseInt(length) <= body.length) {
            body = Arrays.copyOf(body, Integer.parseInt(length));
        }
        return new Answer(status, headers, body, text);
    }
}
