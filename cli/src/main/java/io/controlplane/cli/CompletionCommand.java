package io.controlplane.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Prints picocli's completion script for bash (zsh loads it through bashcompinit). */
@Command(name = "completion", description = {"Print the shell completion script: source <(cpctl completion bash) in bash;",
        "in zsh: autoload -U +X bashcompinit && bashcompinit && source <(cpctl completion zsh)."})
final class CompletionCommand extends Base implements Callable<Integer> {

    /** The shells the script serves: zsh runs bash's through bashcompinit. */
    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", arity = "0..1", defaultValue = "bash", description = "bash (default) or zsh: the same script.")
    Shell shell;

    @Override
    public Integer call() {
        cli().out.print(AutoComplete.bash("cpctl", spec.root().commandLine()));
        cli().out.flush();
        return ExitCodes.OK;
    }
}
