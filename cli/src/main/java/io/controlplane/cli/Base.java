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
}
