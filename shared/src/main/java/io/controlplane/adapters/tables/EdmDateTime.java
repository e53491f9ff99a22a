package io.controlplane.adapters.tables;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The one conversion between instants and {@code Edm.DateTime} properties, for every table. Azure
 * keeps an Edm.DateTime to 100 ns (7 fractional digits), while {@code Clock.systemUTC()} and
 * requests give up to 9; Azurite keeps all 9, which hides the loss. Every instant is cut to the
 * microsecond on its way to storage, so what is written is exactly what any service gives back, and
 * a write can be recognised by comparing what it wrote with what is stored.
 */
final class EdmDateTime {

    /** What every stored instant keeps: the finest unit that both Azure and Azurite keep exactly. */
    static final ChronoUnit PRECISION = ChronoUnit.MICROS;

    private EdmDateTime() {
    }

    /** {@code instant} as it reads back after being stored. */
    static Instant kept(Instant instant) {
        return instant == null ? null : instant.truncatedTo(PRECISION);
    }

    /** The property value that stores {@code instant}. */
    static OffsetDateTime of(Instant instant) {
        return instant == null ? null : kept(instant).atOffset(ZoneOffset.UTC);
    }

    /** The instant a stored property holds (the SDK gives an OffsetDateTime, or text when the type was not annotated). */
    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        return OffsetDateTime.parse(value.toString()).toInstant();
    }

    /** An OData filter literal for {@code instant}, compared with stored values at the precision they have. */
    static String literal(Instant instant) {
        return "datetime'" + kept(instant) + "'";
    }
}
