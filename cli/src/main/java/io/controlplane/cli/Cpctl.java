package io.controlplane.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/** {@code cpctl}: the control plane's command-line client. */
@Command(name = "cpctl", mixinStandardHelpOptions = true, versionProvider = Cpctl.Version.class,
        description = "The migration control plane's command-line client: submit, follow and steer jobs; operate agents, queues and tenants.",
        subcommands = {LoginCommand.class, LogoutCommand.class, ProfilesCommand.class, JobsCommand.class, ValidateCommand.class,
                AgentsCommand.class, QueuesCommand.class, TenantsCommand.class, OrganisationsCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done, 1 a job did not complete, 2 usage, 3 invalid request, 4 auth, 5 not found, 6 conflict, 7 server."})
public final class Cpctl implements Runnable {

    @Option(names = "--profile", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "The profile (control plane deployment) to use; default: the current one (cpctl profiles use), else 'default'. Env: CPCTL_PROFILE.")
    String profile;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The control plane's base URL (e.g. http://127.0.0.1:7071), instead of the profile's. Env: CPCTL_URL.")
    String url;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    Output.Format format;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show each request with its x-request-id, and problem types.")
    boolean verbose;

    @Option(names = "--config-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "cpctl's configuration folder (profiles, cached tokens). Env: CPCTL_CONFIG_DIR.")
    Path configDir;

    final PrintWriter out;
    final PrintWriter err;
    final Map<String, String> env;
    final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    final Clock clock = Clock.systemUTC();
    /** stdout is a terminal: jobs watch redraws in place. */
    final boolean terminal;

    Cpctl(PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        // azure-identity logs through SLF4J; a command line keeps its output to what it says itself.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        System.exit(run(args, out, err, System.getenv(), terminal));
    }

    /** Runs one command line; returns its exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
        Cpctl cpctl = new Cpctl(out, err, env, terminal);
        return commandLine(cpctl).execute(args);
    }

    static CommandLine commandLine(Cpctl cpctl) {
        CommandLine commandLine = new CommandLine(cpctl);
        commandLine.setOut(cpctl.out).setErr(cpctl.err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof CliException failure) {
                        Problems.print(failure, cpctl.verbose, cpctl.err);
                        return failure.exitCode();
                    }
                    if (e instanceof CommandLine.ParameterException usage) {
                        throw usage;
                    }
                    cpctl.err.println("error: " + e);
                    if (cpctl.verbose) {
                        e.printStackTrace(cpctl.err);
                    }
                    cpctl.err.flush();
                    return ExitCodes.FAILED;
                });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (cpctl --help lists them)");
    }

    ConfigStore config() {
        return new ConfigStore(configDir != null ? configDir : ConfigStore.defaultDir(env), json);
    }

    String profileName() {
        return config().resolveName(profile != null ? profile : blankToNull(env.get("CPCTL_PROFILE")));
    }

    /** The base URL: --url, CPCTL_URL, or the profile's. */
    URI baseUrl(String profileName) {
        String given = url != null ? url : blankToNull(env.get("CPCTL_URL"));
        if (given == null) {
            given = config().profile(profileName).map(ConfigStore.Profile::url).orElseThrow(() -> new CliException(ExitCodes.USAGE,
                    "profile " + profileName + " names no control plane: cpctl profiles set " + profileName + " --url URL (or --url)"));
        }
        try {
            URI uri = URI.create(given);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "not an http(s) URL: " + given);
        }
    }

    /** A client of the profile's control plane with its cached token (or CPCTL_TOKEN). */
    ApiClient client() {
        String name = profileName();
        URI base = baseUrl(name);
        String token = blankToNull(env.get("CPCTL_TOKEN"));
        if (token == null) {
            ConfigStore.Token cached = config().token(name).orElseThrow(() -> new CliException(ExitCodes.AUTH,
                    "not signed in with profile " + name + ": cpctl login --profile " + name + " (--dev for the local development issuer)"));
            if (cached.expiresAt() != null && cached.expiresAt().isBefore(Instant.now(clock).plusSeconds(30))) {
                throw new CliException(ExitCodes.AUTH, "the token of profile " + name + " expired at " + cached.expiresAt()
                        + ": cpctl login --profile " + name);
            }
            token = cached.accessToken();
        }
        return new ApiClient(base, token, json, verbose ? err : null);
    }

    Output output() {
        return new Output(json, out);
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cpctl.class.getPackage().getImplementationVersion();
            return new String[] {"cpctl " + (version == null ? "(development build)" : version)};
        }
    }
}
