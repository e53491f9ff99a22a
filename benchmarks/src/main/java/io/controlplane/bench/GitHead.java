package io.controlplane.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The commit a benchmark ran on, for its report's header. */
final class GitHead {

    private GitHead() {
    }

    /** The checked-out commit ({@code git rev-parse --short HEAD}), or "unknown". */
    static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
