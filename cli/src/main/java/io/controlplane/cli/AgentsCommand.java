package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Operator routes for agents (role ControlPlane.Admin). */
@Command(name = "agents", description = "Operators: the agents, their health and leases; drain one.",
        subcommands = picocli.CommandLine.HelpCommand.class)
final class AgentsCommand extends Base {

    static final List<Output.Column> AGENT_ROW = List.of(
            Output.Column.of("ID", "id"), Output.Column.of("REGION", "region"), Output.Column.of("POOL", "pool"),
            Output.Column.of("SLOTS", "slots"), Output.Column.of("FREE", "freeSlots"), Output.Column.of("DRAINING", "draining"),
            Output.Column.of("HEALTHY", "healthy"), new Output.Column("LEASES", a -> String.valueOf(a.path("leases").size())),
            Output.Column.of("LAST-HEARTBEAT", "lastHeartbeatAt"));

    @Command(name = "list", description = "Every agent of the regions the deployment serves.")
    int list() {
        JsonNode items = cli().client().get("/api/admin/agents").body().path("items");
        cli().output().list(cli().format, items, AGENT_ROW);
        return ExitCodes.OK;
    }

    @Command(name = "drain", description = "The agent gets no new leases; the jobs it runs continue to the end.")
    int drain(@Parameters(paramLabel = "AGENT-ID") String agentId) {
        JsonNode agent = cli().client().post("/api/admin/agents/" + ApiClient.segment(agentId) + "/drain", null, Map.of()).body();
        cli().output().object(cli().format, agent, AGENT_ROW);
        return ExitCodes.OK;
    }
}
