package io.controlplane.standalone.crash;

import io.controlplane.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JVM started from this test's class path with its output in a file, so that {@code kill -9}
 * is real: {@link #crash()} is SIGKILL to that process (by its PID), {@link #stop()} SIGTERM first.
 */
final class JavaProcess {

    private final String name;
    private final Path output;
    private final Process process;

    private JavaProcess(String name, Path output, Process process) {
        this.name = name;
        this.output = output;
        this.process = process;
    }

    /** {@code java <jvmOptions> -cp <this class path> <mainClass> <args>} with {@code env} added. */
    static JavaProcess start(String name, Path output, List<String> jvmOptions, String mainClass, List<String> args,
                             Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        // A CI runner in Kubernetes (or on Azure) sets these, and the development issuer is refused there.
        List.of("WEBSITE_INSTANCE_ID", "CONTAINER_APP_NAME", "KUBERNETES_SERVICE_HOST").forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        try {
            return new JavaProcess(name, output, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    Path output() {
        return output;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, nothing flushed, nothing released. */
    void crash() {
        Processes.stop(process, true, 5);
    }

    /** SIGTERM (shutdown hooks run), SIGKILL after 10 seconds. */
    void stop() {
        Processes.stop(process, false, 10);
    }
}
