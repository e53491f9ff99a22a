package io.controlplane.bench;

import java.util.List;

/** Picks from items by their shares of a hundred, as the models draw agent kinds and organisations. */
final class Shares {

    private Shares() {
    }

    /**
     * @param shares each item's share in percent, in the items' order
     * @param roll   0..99
     * @return the item whose share the roll falls in; the first when the shares add up to less than the roll
     */
    static <T> T pick(List<T> items, int[] shares, int roll) {
        int acc = 0;
        for (int k = 0; k < items.size(); k++) {
            acc += shares[k];
            if (roll < acc) {
                return items.get(k);
            }
        }
        return items.get(0);
    }
}
