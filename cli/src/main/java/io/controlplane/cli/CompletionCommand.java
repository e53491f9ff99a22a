package io.controlplane.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** Prints picocli's completion script for bash (zsh loads it through bashcompinit). */
@Command(name = "completion", description = {"Print the shell completion script: source <(cpctl completion) in bash;",
        "in zsh: autoload -U +X bashcompinit && bashcompinit && source <(cpctl completion)."})
final class CompletionCommand extends Base implements Callable<Integer> {

    @Override
    public Integer call() {
        cli().out.print(AutoComplete.bash("cpctl", spec.root().commandLine()));
        cli().out.flush();
        return ExitCodes.OK;
    }
}
