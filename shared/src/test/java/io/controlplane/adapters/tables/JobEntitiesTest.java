package io.controlplane.adapters.tables;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobEntitiesTest {

    @Test
    void chunksNeverSplitASurrogatePairAndRejoinExactly() {
        String prefix = "a".repeat(JobEntities.CHUNK_CHARS - 1);
        String text = prefix + "😀" + "b".repeat(10);

        List<String> chunks = JobEntities.chunks(text);

        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0)).isEqualTo(prefix);
        assertThat(chunks.get(1)).startsWith("😀");
        assertThat(String.join("", chunks)).isEqualTo(text);
        chunks.forEach(c -> assertThat(c.length()).isLessThanOrEqualTo(JobEntities.CHUNK_CHARS));
    }

    @Test
    void emptyAndExactMultiplesChunkCleanly() {
        assertThat(JobEntities.chunks("")).isEmpty();
        assertThat(JobEntities.chunks("x".repeat(2 * JobEntities.CHUNK_CHARS))).hasSize(2);
    }
}
