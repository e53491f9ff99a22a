package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code POST /api/jobs?dryRun=true}: the server's checks of a submission, nothing stored. */
@Command(name = "validate", description = {"Check a job spec as the server would on submission (validation and entitlement), storing nothing.",
        "Exits 0 when valid, 3 listing every problem when not."})
final class ValidateCommand extends Base implements Callable<Integer> {

    @Parameters(paramLabel = "SPEC", description = "The job spec (JSON file, - for stdin).")
    String spec;

    @Override
    public Integer call() {
        JsonNode answer = cli().client().post("/api/jobs?dryRun=true", JobsCommand.readSpec(spec), Map.of()).body();
        if (cli().format == Output.Format.table) {
            cli().output().line("valid: " + answer.path("detail").asText(spec));
        } else {
            cli().output().document(cli().format, answer);
        }
        return ExitCodes.OK;
    }
}
