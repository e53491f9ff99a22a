package io.controlplane.adapters.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.api.Json;
import io.controlplane.testing.Azurite;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TableStorageTest {

    @Test
    void readinessAnswersWhenTheTablesExist() {
        TableStorage storage = TableStorage.connect(Azurite.shared().connectionString(), null, "ready" + System.nanoTime(),
                Json.mapper()).ensureTables();
        try {
            assertThatCode(storage::ping).doesNotThrowAnyException();
        } finally {
            storage.dropTables();
        }
    }

    @Test
    void readinessFailsWhenTheTablesAreMissing() {
        TableStorage storage = TableStorage.connect(Azurite.shared().connectionString(), null, "missing" + System.nanoTime(),
                Json.mapper());
        assertThatThrownBy(storage::ping).isInstanceOf(RuntimeException.class);
    }

    @Test
    void theControlPlanesClockTicksInWhatTheTablesKeep() {
        Clock nanos = Clock.fixed(Instant.parse("2026-01-01T00:00:00.123456789Z"), ZoneOffset.UTC);

        assertThat(TableStorage.ticking(nanos).instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"))
                .isEqualTo(EdmDateTime.kept(nanos.instant()));
    }

    @Test
    void theControlPlanesClockAlsoGivesMillis() {
        // Clock.tick with a tick under a millisecond divides by zero in millis() on Java 17 (found by the
        // crash suite: every submission was a 500, since job ids are made from millis()).
        Clock nanos = Clock.fixed(Instant.parse("2026-01-01T00:00:00.123456789Z"), ZoneOffset.UTC);

        assertThat(TableStorage.ticking(nanos).millis()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z").toEpochMilli());
        assertThat(TableStorage.ticking(nanos).withZone(ZoneOffset.ofHours(2)).instant())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
    }

    @Test
    void aBadTablePrefixIsRefusedAtConstruction() {
        assertThatThrownBy(() -> TableStorage.connect(Azurite.shared().connectionString(), null, "bad-prefix", Json.mapper()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
