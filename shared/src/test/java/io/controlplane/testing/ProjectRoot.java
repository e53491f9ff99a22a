package io.controlplane.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root (the directory holding package.json and the parent pom), found from the working directory. */
public final class ProjectRoot {

    private ProjectRoot() {
    }

    public static Path find() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("package.json")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("Cannot find the repository root above " + System.getProperty("user.dir"));
    }
}
