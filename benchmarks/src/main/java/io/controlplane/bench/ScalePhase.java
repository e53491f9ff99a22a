package io.controlplane.bench;

/**
 * One phase of a {@link ScaleModel} run: seconds {@code [from, to)} of the tally.
 *
 * @param checked whether the phase's hottest partition must stay within {@link ScaleModel#LIMIT}
 */
record ScalePhase(String name, int from, int to, boolean checked) {

    int seconds() {
        return to - from;
    }
}
