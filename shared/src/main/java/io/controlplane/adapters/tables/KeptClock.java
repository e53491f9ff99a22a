package io.controlplane.adapters.tables;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A clock whose instants are what the tables keep of them ({@link EdmDateTime}). Not
 * {@code Clock.tick(clock, 1 µs)}: on Java 17 its {@code millis()} divides by zero for a tick under
 * a millisecond.
 */
final class KeptClock extends Clock {

    private final Clock base;

    KeptClock(Clock base) {
        this.base = base;
    }

    @Override
    public Instant instant() {
        return EdmDateTime.kept(base.instant());
    }

    @Override
    public long millis() {
        return base.millis();
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new KeptClock(base.withZone(zone));
    }
}
