package io.controlplane.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A compact history of a job's progress reports, kept with its progress: at most
 * {@value #MAX_SAMPLES} samples, oldest first. When it is full, every other sample of the older
 * part is dropped (never the first or last of a run segment), so the series still spans the whole
 * run while the newest {@value #DENSE} samples stay as reported. A report that only repeats the
 * percent of the two before it (same lease) replaces the last one: a plateau is kept by its ends.
 */
public record ProgressHistory(List<ProgressSample> samples) {

    /** The most samples kept. */
    public static final int MAX_SAMPLES = 32;
    /** The newest samples never thinned. */
    public static final int DENSE = 16;

    private static final ProgressHistory EMPTY = new ProgressHistory(List.of());

    public ProgressHistory {
        samples = samples == null ? List.of() : List.copyOf(samples);
    }

    public static ProgressHistory empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    /** The newest sample, or null. */
    public ProgressSample last() {
        return samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }

    /**
     * This history with {@code sample} appended. A sample older than the newest is ignored; one at
     * the same time as the newest replaces it.
     */
    public ProgressHistory with(ProgressSample sample) {
        ProgressSample last = last();
        if (last != null && sample.at().isBefore(last.at())) {
            return this;
        }
        List<ProgressSample> next = new ArrayList<>(samples);
        int n = next.size();
        if (last != null && sample.at().equals(last.at())) {
            next.set(n - 1, sample);
        } else if (n >= 2 && repeats(next.get(n - 2), last, sample)) {
            next.set(n - 1, sample);
        } else {
            next.add(sample);
        }
        while (next.size() > MAX_SAMPLES) {
            thin(next);
        }
        return new ProgressHistory(next);
    }

    private static boolean repeats(ProgressSample before, ProgressSample last, ProgressSample sample) {
        return before.epoch() == sample.epoch() && last.epoch() == sample.epoch()
                && before.percent() == sample.percent() && last.percent() == sample.percent();
    }

    /** Drops every other sample of the older part that does not bound a segment; the oldest if none can go. */
    private static void thin(List<ProgressSample> samples) {
        int older = samples.size() - DENSE;
        List<ProgressSample> kept = new ArrayList<>();
        boolean dropNext = false;
        int dropped = 0;
        for (int i = 0; i < older; i++) {
            ProgressSample s = samples.get(i);
            boolean bound = i == 0 || samples.get(i - 1).epoch() != s.epoch() || samples.get(i + 1).epoch() != s.epoch();
            if (!bound && dropNext) {
                dropped++;
                dropNext = false;
                continue;
            }
            dropNext = !bound;
            kept.add(s);
        }
        if (dropped == 0) {
            kept.remove(0); // only segment ends left: the oldest segment goes, sample by sample
        }
        kept.addAll(samples.subList(older, samples.size()));
        samples.clear();
        samples.addAll(kept);
    }
}
