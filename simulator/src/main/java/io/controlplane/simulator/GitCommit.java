package io.controlplane.simulator;

import java.util.Objects;

/** The data of a {@code git} checkpoint: a commit reached on a ref of a repository. */
public record GitCommit(String repo, String ref, String commit) {

    public GitCommit {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(commit, "commit");
    }
}
