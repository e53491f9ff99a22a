package io.controlplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Forgets the profile's cached token. */
@Command(name = "logout", description = "Delete the profile's cached token.")
final class LogoutCommand extends Base implements Callable<Integer> {

    @Override
    public Integer call() {
        String name = cli().profileName();
        cli().config().deleteToken(name);
        cli().err.println("Signed out of profile " + name + ".");
        return ExitCodes.OK;
    }
}
