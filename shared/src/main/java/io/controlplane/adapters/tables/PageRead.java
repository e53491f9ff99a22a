package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing: up to {@code limit} rows of a filter, asked for one more so that the one
 * more says whether a next page exists (it is not read beyond that), with the last row key read.
 *
 * @param more whether rows follow the page's last
 */
record PageRead<T>(List<T> items, String lastRowKey, boolean more) {

    /** The service answers at most this many entities a request. */
    static final int MAX_TOP = 1000;

    static <T> PageRead<T> of(TableClient table, String filter, int limit, Function<TableEntity, T> map) {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter).setTop(Math.min(limit + 1, MAX_TOP));
        List<T> items = new ArrayList<>();
        String lastKey = null;
        Iterator<TableEntity> rows = table.listEntities(options, null, null).iterator();
        while (rows.hasNext()) {
            TableEntity row = rows.next();
            if (items.size() == limit) {
                return new PageRead<>(items, lastKey, true);
            }
            items.add(map.apply(row));
            lastKey = row.getRowKey();
        }
        return new PageRead<>(items, lastKey, false);
    }
}
