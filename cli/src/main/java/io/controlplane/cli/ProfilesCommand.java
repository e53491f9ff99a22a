package io.controlplane.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Profiles: one per control plane deployment (one per region). */
@Command(name = "profiles", description = "Profiles: each names one control plane deployment (one per region) and how to sign in to it.",
        subcommands = picocli.CommandLine.HelpCommand.class)
final class ProfilesCommand extends Base {

    @Command(name = "list", description = "The profiles; * marks the current one.")
    int list() {
        ConfigStore.Profiles all = cli().config().profiles();
        ArrayNode rows = cli().json.createArrayNode();
        all.profiles().forEach((name, profile) -> {
            ObjectNode row = cli().json.valueToTree(profile);
            row.put("name", name);
            row.put("current", name.equals(all.current()));
            row.put("signedIn", cli().config().token(name).isPresent());
            rows.add(row);
        });
        cli().output().list(cli().format, rows, List.of(
                new Output.Column("", row -> row.get("current").asBoolean() ? "*" : " "),
                Output.Column.of("NAME", "name"), Output.Column.of("URL", "url"), Output.Column.of("SIGNED-IN", "signedIn"),
                Output.Column.of("ENTRA-TENANT", "entraTenant")));
        return ExitCodes.OK;
    }

    @Command(name = "set", description = "Create or change a profile: --url names the deployment's base URL.")
    int set(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--entra-tenant", paramLabel = "TENANT", description = "Entra ID tenant to sign in to.") String entraTenant,
            @Option(names = "--client-id", paramLabel = "ID", description = "Entra ID application (client) id.") String clientId,
            @Option(names = "--scope", paramLabel = "SCOPE", description = "Entra ID scope.") String scope,
            @Option(names = "--use", description = "Make it the current profile.") boolean use) {
        ConfigStore config = cli().config();
        ConfigStore.checkName(name);
        if (cli().url == null && config.profile(name).isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "a new profile needs --url (the deployment's base URL)");
        }
        String base = cli().url == null ? config.profile(name).orElseThrow().url() : cli().baseUrl(name).toString();
        ConfigStore.Profile old = config.profile(name).orElse(new ConfigStore.Profile(null, null, null, null));
        config.saveProfile(name, new ConfigStore.Profile(base, entraTenant != null ? entraTenant : old.entraTenant(),
                clientId != null ? clientId : old.clientId(), scope != null ? scope : old.scope()), use);
        cli().err.println("Profile " + name + ": " + base);
        return ExitCodes.OK;
    }

    @Command(name = "use", description = "Make a profile the current one.")
    int use(@Parameters(paramLabel = "NAME") String name) {
        cli().config().use(ConfigStore.checkName(name));
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Delete a profile and its cached token.")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        cli().config().deleteProfile(ConfigStore.checkName(name));
        return ExitCodes.OK;
    }
}
