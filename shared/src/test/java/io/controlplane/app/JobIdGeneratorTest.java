package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class JobIdGeneratorTest {

    /** Crockford base32, lower case: no i, l, o, u. */
    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void anIdIs26CharactersOfTheCrockfordAlphabet() {
        String id = new JobIdGenerator(Clock.fixed(T0, ZoneOffset.UTC)).next();

        assertThat(id).hasSize(26).matches("[0-9a-hjkmnp-tv-z]{26}");
    }

    @Test
    void theFirstTenCharactersAreTheClockInMilliseconds() {
        long millis = T0.toEpochMilli() + 123;
        String id = new JobIdGenerator(Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC)).next();

        assertThat(decode(id.substring(0, 10))).isEqualTo(millis);
        assertThat(new JobIdGenerator(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)).next()).startsWith("0000000000");
    }

    @Test
    void idsSortInTheOrderOfTheClock() {
        Clock base = Clock.fixed(Instant.ofEpochMilli(0), ZoneOffset.UTC);
        // 31 -> 32 and 1023 -> 1024 carry into the next base32 digit.
        List<Duration> offsets = List.of(Duration.ofMillis(1), Duration.ofMillis(31), Duration.ofMillis(32),
                Duration.ofSeconds(1), Duration.ofMillis(1023), Duration.ofMillis(1024), Duration.ofDays(1),
                Duration.between(Instant.EPOCH, T0), Duration.between(Instant.EPOCH, T0).plusMillis(1),
                Duration.between(Instant.EPOCH, Instant.parse("9999-12-31T23:59:59Z")));
        List<String> ids = new ArrayList<>();
        ids.add(new JobIdGenerator(base).next());
        for (Duration offset : offsets) {
            ids.add(new JobIdGenerator(Clock.offset(base, offset)).next());
        }

        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void tenThousandIdsInTheSameMillisecondAreUnique() {
        JobIdGenerator generator = new JobIdGenerator(Clock.fixed(T0, ZoneOffset.UTC));

        Set<String> ids = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> ids.add(generator.next()));

        assertThat(ids).hasSize(10_000);
        assertThat(ids).allSatisfy(id -> assertThat(id).startsWith(ids.iterator().next().substring(0, 10)));
    }

    @Test
    void theRandomPartUsesTheWholeAlphabet() {
        JobIdGenerator generator = new JobIdGenerator(Clock.fixed(T0, ZoneOffset.UTC));

        Set<Character> seen = new HashSet<>();
        IntStream.range(0, 200).forEach(i -> generator.next().substring(10).chars().forEach(c -> seen.add((char) c)));

        assertThat(seen).hasSize(32);
    }

    private static long decode(String base32) {
        long value = 0;
        for (char c : base32.toCharArray()) {
            value = value * 32 + ALPHABET.indexOf(c);
        }
        return value;
    }
}
