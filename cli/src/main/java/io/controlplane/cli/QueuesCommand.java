package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code GET /api/admin/queues}: depths per region and tier, then the organisations throttled. */
@Command(name = "queues", description = "Operators: queue depth and oldest age per region and tier; the organisations throttled.")
final class QueuesCommand extends Base implements Callable<Integer> {

    @Override
    public Integer call() {
        JsonNode queues = cli().client().get("/api/admin/queues").body();
        if (cli().format != Output.Format.table) {
            cli().output().document(cli().format, queues);
            return ExitCodes.OK;
        }
        cli().output().list(cli().format, queues.path("items"), List.of(Output.Column.of("REGION", "region"), Output.Column.of("TIER", "tier"),
                Output.Column.of("DEPTH", "depth"), Output.Column.of("OLDEST-AGE-S", "oldestAgeSeconds"),
                Output.Column.of("OLDEST-ENQUEUED", "oldestEnqueuedAt")));
        JsonNode throttled = queues.path("throttledOrganisations");
        if (!throttled.isEmpty()) {
            cli().out.println();
            cli().output().list(cli().format, throttled, List.of(Output.Column.of("THROTTLED-ORGANISATION", "organisation"),
                    Output.Column.of("UNTIL", "until"), Output.Column.of("ALLOWED-JOBS", "allowedJobs"),
                    Output.Column.of("REMAINING", "remaining"), Output.Column.of("REPORTED", "reportedAt")));
        }
        return ExitCodes.OK;
    }
}
