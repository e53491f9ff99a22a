package io.controlplane.simulator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Runs N simulated agents against a control plane and prints a {@code key=value} line per event.
 * Ctrl-C (or {@code --run-seconds}) stops them gracefully: running jobs checkpoint and are released
 * with reason {@code shutdown}. See {@link SimulatorOptions#USAGE} or {@code --help}.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorOptions options;
        try {
            options = SimulatorOptions.parse(args);
        } catch (SimulatorOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println(e.getMessage());
            }
            System.err.print(SimulatorOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        PrintStream out = System.out;
        Clock clock = Clock.systemUTC();
        Path workingDirectory = Path.of("").toAbsolutePath();
        List<SimulatedAgent> agents = new ArrayList<>();
        for (int n = 1; n <= options.agents(); n++) {
            AgentConfig config = options.agent(n);
            Supplier<String> token = options.token() != null ? options::token
                    : CommandToken.ofCommand(options.tokenCommand(), config.agentId(), workingDirectory, clock);
            try {
                token.get(); // one after the other: the first run of dev-token.sh may build the project
            } catch (RuntimeException e) {
                System.err.println("simulator: no token for " + config.agentId() + ": " + e.getMessage());
                System.exit(1);
                return;
            }
            SimulatedAgent agent = new SimulatedAgent(config, new AgentClient(options.url(), token), clock);
            agent.log().addListener(event -> out.println(event.toLine()));
            agents.add(agent);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            agents.parallelStream().forEach(SimulatedAgent::close);
            stopped.countDown();
        }, "simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        out.println("at=" + clock.instant() + " event=simulator-started url=" + options.url() + " agents="
                + options.agents() + " region=" + options.template().region() + " pool=" + options.template().pool());
        agents.forEach(SimulatedAgent::start);
        if (options.runFor() != null) {
            Thread.sleep(options.runFor().toMillis());
            System.exit(0); // runs the shutdown hook, which closes the agents
        }
        stopped.await();
    }
}
