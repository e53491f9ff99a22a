package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code GET /api/admin/queues}. */
@Command(name = "queues", description = "Operators: queue depth and oldest age per region and tier.")
final class QueuesCommand extends Base implements Callable<Integer> {

    @Override
    public Integer call() {
        JsonNode items = cli().client().get("/api/admin/queues").body().path("items");
        cli().output().list(cli().format, items, List.of(Output.Column.of("REGION", "region"), Output.Column.of("TIER", "tier"),
                Output.Column.of("DEPTH", "depth"), Output.Column.of("OLDEST-AGE-S", "oldestAgeSeconds"),
                Output.Column.of("OLDEST-ENQUEUED", "oldestEnqueuedAt")));
        return ExitCodes.OK;
    }
}
