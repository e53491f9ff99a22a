package io.controlplane.domain;

import java.util.List;

/** One page of a listing; {@code continuationToken} is null on the last page. */
public record Page<T>(List<T> items, String continuationToken) {

    public Page {
        items = List.copyOf(items);
    }
}
