package io.controlplane.api;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's documents (docs/...) from wherever the tests run: repository root or a module. */
final class ProjectDocs {

    private ProjectDocs() {
    }

    /** {@code relative} (e.g. {@code docs/openapi.yaml}) in the nearest directory above {@code user.dir} that has it. */
    static Path find(String relative) {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No " + relative + " in " + start + " or any directory above it");
    }
}
