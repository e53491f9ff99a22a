package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Limits on the jobs running at once against an organisation (an Azure DevOps organisation, a TFS
 * collection, a git owner: {@code dev.azure.com:contoso}): your tenant's own
 * ({@code /api/organisations}), or with {@code --operator} the operator's for every tenant
 * ({@code /api/admin/organisations}, role ControlPlane.Admin).
 */
@Command(name = "organisations", aliases = "orgs",
        description = "Limits on jobs running at once against an organisation: your tenant's own, or (--operator) everyone's.",
        subcommands = picocli.CommandLine.HelpCommand.class)
final class OrganisationsCommand extends Base {

    private static final List<Output.Column> ROW = List.of(Output.Column.of("ORGANISATION", "key"),
            Output.Column.of("MAX-CONCURRENT-JOBS", "maxConcurrentJobs"), Output.Column.of("OPERATOR-LIMIT", "operatorLimit"));
    private static final List<Output.Column> OPERATOR_ROW = List.of(Output.Column.of("ORGANISATION", "key"),
            Output.Column.of("MAX-CONCURRENT-JOBS", "maxConcurrentJobs"));

    @Option(names = "--operator", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The operator's limits for every tenant (role ControlPlane.Admin) instead of your tenant's own.")
    boolean operator;

    @Command(name = "list", description = "The organisations limited, by key.")
    int list() {
        JsonNode items = cli().client().get(base()).body().path("items");
        cli().output().list(cli().format, items, operator ? OPERATOR_ROW : ROW);
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "One organisation's limits.")
    int get(@Parameters(paramLabel = "KEY") String key) {
        cli().output().object(cli().format, cli().client().get(path(key)).body(), operator ? OPERATOR_ROW : ROW);
        return ExitCodes.OK;
    }

    @Command(name = "limit", description = "At most N jobs running at once against the organisation.")
    int limit(@Parameters(paramLabel = "KEY") String key, @Parameters(paramLabel = "N") int max) {
        byte[] body = cli().client().toJson(cli().json.createObjectNode().put("maxConcurrentJobs", max));
        cli().output().object(cli().format, cli().client().put(path(key), body).body(), operator ? OPERATOR_ROW : ROW);
        return ExitCodes.OK;
    }

    @Command(name = "lift", description = "Lift the limit.")
    int lift(@Parameters(paramLabel = "KEY") String key) {
        cli().client().delete(path(key));
        cli().err.println("Lifted the limit on " + key + ".");
        return ExitCodes.OK;
    }

    private String base() {
        return operator ? "/api/admin/organisations" : "/api/organisations";
    }

    private String path(String key) {
        return base() + "/" + ApiClient.segment(key);
    }
}
