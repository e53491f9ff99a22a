package io.controlplane.simulator;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The command line of {@link SimulatorMain}, parsed and checked. */
record SimulatorOptions(URI url, int agents, String idPrefix, String tokenCommand, String token,
                        Duration runFor, AgentConfig template) {

    static final String DEFAULT_TOKEN_COMMAND =
            "scripts/dev-token.sh --tenant agents --roles Agents.Run --subject {agentId}";

    static final String USAGE = """
            usage: java -jar simulator/target/controlplane-simulator.jar [options]
              --url URL               control plane root (default http://127.0.0.1:7071)
              --agents N              how many agents to run (default 1)
              --id-prefix P           agent ids are P-1 .. P-N (default sim)
              --region R              region the agents register in (default westeurope)
              --pool P                pool (default shared)
              --capabilities a,b      capabilities (default none)
              --slots N               jobs each agent runs at once (default 1)
              --job-ms MS             job duration unless the spec's config.simulation.durationMs says (default 2000)
              --progress-ms MS        progress interval (default 1000)
              --heartbeat-ms MS       heartbeat interval (default 5000)
              --checkpoint-ms MS      cursor checkpoint interval, 0 for none (default 5000)
              --wait-seconds N        long-poll wait, 0..30 (default 20)
              --fail-fraction F       share of jobs that fail, 0..1 (default 0)
              --fail-retryable B      whether those failures are retryable (default true)
              --seed N                seed of the failure draw
              --error-backoff-ms MS   pause after a failed call (network, 5xx), doubling for polls (default 1000)
              --token-command CMD     run per agent, {agentId} substituted, re-run near expiry
                                      (default "%s")
              --token T               one fixed token for every agent instead of a command
              --run-seconds N         stop after N seconds (default: until Ctrl-C)
              --throttle-organisation KEY
                                      jobs touching this organisation (e.g. dev.azure.com:contoso) get
                                      HTTP 429: they report it and back off (default none)
              --throttle-after-ms MS  working time into such a job before its 429 (default 1000)
              --throttle-retry-after-seconds N
                                      the 429's Retry-After, 0..86400 (default 60)
              --throttle-remaining N  the 429's X-RateLimit-Remaining, at least 0 (default: not sent)
            A spec's config.simulation.throttleOrganisation (throttleAfterMs, throttleRetryAfterSeconds,
            throttleRemaining) throttles its job the same way; the --throttle options are its defaults.
            An option given twice takes its last value.
            """.formatted(DEFAULT_TOKEN_COMMAND);

    static SimulatorOptions parse(String... args) {
        URI url = URI.create("http://127.0.0.1:7071");
        int agents = 1;
        String idPrefix = "sim";
        String tokenCommand = DEFAULT_TOKEN_COMMAND;
        String token = null;
        Duration runFor = null;
        AgentConfig.Builder template = AgentConfig.builder("template");
        double failFraction = 0;
        boolean failRetryable = true;
        String throttleOrganisation = AgentConfig.Throttle.NONE.organisation();
        Duration throttleAfter = AgentConfig.Throttle.NONE.after();
        long throttleRetryAfter = AgentConfig.Throttle.NONE.retryAfterSeconds();
        Integer throttleRemaining = AgentConfig.Throttle.NONE.remaining();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new UsageException(null);
            }
            if (i + 1 >= args.length) {
                throw new UsageException(option + " needs a value");
            }
            String value = args[++i];
            try {
                switch (option) {
                    case "--url" -> url = URI.create(value);
                    case "--agents" -> agents = Integer.parseInt(value);
                    case "--id-prefix" -> idPrefix = value;
                    case "--region" -> template.region(value);
                    case "--pool" -> template.pool(value);
                    case "--capabilities" -> template.capabilities(Arrays.stream(value.split(","))
                            .map(String::trim).filter(c -> !c.isEmpty()).toList());
                    case "--slots" -> template.slots(Integer.parseInt(value));
                    case "--job-ms" -> template.jobDuration(Duration.ofMillis(Long.parseLong(value)));
                    case "--progress-ms" -> template.progressInterval(Duration.ofMillis(Long.parseLong(value)));
                    case "--heartbeat-ms" -> template.heartbeatInterval(Duration.ofMillis(Long.parseLong(value)));
                    case "--checkpoint-ms" -> template.checkpointInterval(Duration.ofMillis(Long.parseLong(value)));
                    case "--wait-seconds" -> template.leaseWaitSeconds(Integer.parseInt(value));
                    case "--fail-fraction" -> failFraction = Double.parseDouble(value);
                    case "--fail-retryable" -> failRetryable = bool(value);
                    case "--seed" -> template.seed(Long.parseLong(value));
                    case "--error-backoff-ms" -> template.errorBackoff(Duration.ofMillis(Long.parseLong(value)));
                    case "--token-command" -> tokenCommand = value;
                    case "--token" -> token = value;
                    case "--run-seconds" -> runFor = Duration.ofSeconds(Long.parseLong(value));
                    case "--throttle-organisation" -> throttleOrganisation = value;
                    case "--throttle-after-ms" -> throttleAfter = Duration.ofMillis(Long.parseLong(value));
                    case "--throttle-retry-after-seconds" -> throttleRetryAfter = Long.parseLong(value);
                    case "--throttle-remaining" -> throttleRemaining = Integer.valueOf(value);
                    default -> throw new UsageException("unknown option " + option);
                }
            } catch (NumberFormatException e) {
                throw new UsageException(option + " needs a number, got '" + value + "'");
            }
        }
        if (agents < 1) {
            throw new UsageException("--agents must be at least 1");
        }
        if (url.getScheme() == null || !List.of("http", "https").contains(url.getScheme())) {
            throw new UsageException("--url must be an http(s) URL, got '" + url + "'");
        }
        try {
            template.failing(failFraction, failRetryable)
                    .throttling(throttleOrganisation, throttleAfter, throttleRetryAfter, throttleRemaining);
            AgentConfig config = template.agentId(idPrefix + "-" + agents).build(); // checks the prefix too
            return new SimulatorOptions(url, agents, idPrefix, tokenCommand, token, runFor,
                    config.toBuilder().agentId(idPrefix + "-1").build());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The configuration of agent {@code n} (1-based). */
    AgentConfig agent(int n) {
        return template.toBuilder().agentId(idPrefix + "-" + n).build();
    }

    private static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new UsageException("expected true or false, got '" + value + "'");
        };
    }

    /** A command line that cannot run; the message (null for --help) says why. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
