package io.controlplane.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command reaches: the root command's options, streams and configuration. */
abstract class Base {

    @Spec
    CommandSpec spec;

    Cpctl cli() {
        return (Cpctl) spec.root().userObject();
    }

    /** DELETE {@code path} once confirmed with --yes (erasing cannot be undone; {@code hint} says what to do first). */
    int erase(boolean yes, String hint, String path, String what) {
        if (!yes) {
            throw new CliException(ExitCodes.USAGE, "erasing cannot be undone: " + hint + "add --yes");
        }
        cli().client().delete(path);
        cli().err.println("Erased " + what + ".");
        return ExitCodes.OK;
    }
}
