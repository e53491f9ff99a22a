package io.controlplane.simulator;

import java.util.List;
import java.util.Optional;

/** One page of ID mappings; {@code continuationToken} is null on the last page. */
public record MappingPage(List<IdMapping> items, String continuationToken) {

    public MappingPage {
        items = List.copyOf(items);
    }

    public Optional<String> next() {
        return Optional.ofNullable(continuationToken);
    }
}
