package io.controlplane.adapters.tables;

import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.core.type.TypeReference;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Lease;
import io.controlplane.domain.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps jobs and history entries to entities. The spec is stored as JSON split across string
 * properties of at most {@value #CHUNK_CHARS} characters (a property holds 64 KiB), so a spec up
 * to the validator's limit fits one entity.
 */
final class JobEntities {

    static final String JOB_ROW_PREFIX = "j:";
    static final String JOB_ROW_END = "j;";
    static final int CHUNK_CHARS = 30_000;

    private final EntityJson json;
    private final ProgressHistoryJson progressHistory;

    JobEntities(EntityJson json) {
        this.json = json;
        this.progressHistory = new ProgressHistoryJson(json);
    }

    static String jobRowKey(String jobId) {
        return JOB_ROW_PREFIX + jobId;
    }

    static String historyRowPrefix(String jobId) {
        return "h:" + jobId + ":";
    }

    static String historyRowEnd(String jobId) {
        return "h:" + jobId + ";";
    }

    static final String IDEMPOTENCY_ROW_END = "i;";

    /** The range of the unfinished-job markers: one row {@code a:<jobId>} per job not yet Completed, Failed or Cancelled. */
    static final String UNFINISHED_ROW_PREFIX = "a:";
    static final String UNFINISHED_ROW_END = "a;";

    static String unfinishedRowKey(String jobId) {
        return UNFINISHED_ROW_PREFIX + jobId;
    }

    /** The marker that counts an unfinished job against its tenant's quota (no other data: the key says it all). */
    static TableEntity unfinishedMarker(String tenantId, String jobId) {
        TableEntity e = new TableEntity(tenantId, unfinishedRowKey(jobId));
        e.addProperty("Type", "UnfinishedJob");
        return e;
    }

    static String idempotencyRowKey(String key) {
        return "i:" + key;
    }

    static String checkpointRowPrefix(String jobId) {
        return "c:" + jobId + ":";
    }

    static String checkpointRowEnd(String jobId) {
        return "c:" + jobId + ";";
    }

    TableEntity toEntity(String tenantId, Checkpoint checkpoint) {
        TableEntity e = new TableEntity(tenantId, checkpointRowPrefix(checkpoint.jobId()) + checkpoint.name());
        e.addProperty("Type", "Checkpoint");
        e.addProperty("JobId", checkpoint.jobId());
        e.addProperty("Name", checkpoint.name());
        e.addProperty("Kind", checkpoint.kind().name());
        e.addProperty("Data", json.write(checkpoint.data()));
        e.addProperty("Epoch", checkpoint.epoch());
        e.addProperty("UpdatedAt", EdmDateTime.of(checkpoint.updatedAt()));
        return e;
    }

    Checkpoint toCheckpoint(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        return new Checkpoint((String) p.get("JobId"), (String) p.get("Name"),
                Checkpoint.Kind.valueOf((String) p.get("Kind")),
                json.read((String) p.get("Data"), new TypeReference<Object>() { }),
                ((Number) p.get("Epoch")).longValue(), EdmDateTime.instant(p.get("UpdatedAt")));
    }

    static String historyRowKey(String jobId, long sequence) {
        return historyRowPrefix(jobId) + String.format("%010d", sequence);
    }

    TableEntity toEntity(Job job) {
        TableEntity e = new TableEntity(job.tenantId(), jobRowKey(job.id()));
        e.addProperty("Type", "Job");
        e.addProperty("JobId", job.id());
        e.addProperty("Name", job.spec().name());
        e.addProperty("Tier", job.spec().tier().name());
        e.addProperty("Region", job.spec().region());
        e.addProperty("Kind", job.spec().kind().name());
        e.addProperty("MappingScope", job.mappingScope());
        e.addProperty("State", job.state().name());
        if (job.agentId() != null) {
            e.addProperty("AgentId", job.agentId());
        }
        e.addProperty("Attempt", job.attempt());
        e.addProperty("Preemptions", job.preemptions());
        e.addProperty("Epoch", job.epoch());
        e.addProperty("ProgressPercent", job.progress().percent());
        e.addProperty("ProgressCounters", json.write(job.progress().counters()));
        if (job.progress().message() != null) {
            e.addProperty("ProgressMessage", job.progress().message());
        }
        if (job.progress().updatedAt() != null) {
            e.addProperty("ProgressUpdatedAt", EdmDateTime.of(job.progress().updatedAt()));
        }
        String history = progressHistory.write(job.progress().history());
        if (history != null) {
            e.addProperty(ProgressHistoryJson.PROPERTY, history);
        }
        e.addProperty("CreatedAt", EdmDateTime.of(job.createdAt()));
        e.addProperty("UpdatedAt", EdmDateTime.of(job.updatedAt()));
        e.addProperty("HistorySequence", job.historySequence());
        if (job.leaseId() != null) {
            e.addProperty("LeaseId", job.leaseId());
        }
        if (job.leaseExpiresAt() != null) {
            e.addProperty("LeaseExpiresAt", EdmDateTime.of(job.leaseExpiresAt()));
        }
        e.addProperty("Failures", job.failures());
        if (job.stopDeadline() != null) {
            e.addProperty("StopDeadline", EdmDateTime.of(job.stopDeadline()));
        }
        if (job.lastCheckpointAt() != null) {
            e.addProperty("LastCheckpointAt", EdmDateTime.of(job.lastCheckpointAt()));
        }
        if (job.lastError() != null) {
            e.addProperty("LastError", job.lastError());
        }
        List<String> chunks = chunks(json.write(job.spec()));
        e.addProperty("SpecChunks", chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            e.addProperty("Spec" + i, chunks.get(i));
        }
        return e;
    }

    /**
     * {@code job} as a read gives it back once it is stored: instants cut to what storage keeps, the
     * spec and counters through their JSON, no etag. What a write is recognised by.
     */
    Job asStored(Job job) {
        return toJob(toEntity(job)).withEtag(null);
    }

    /** {@code entry} as a read gives it back once it is stored. */
    HistoryEntry asStored(String tenantId, HistoryEntry entry) {
        return toHistoryEntry(toEntity(tenantId, entry));
    }

    /** Splits text into pieces of at most {@value #CHUNK_CHARS} chars, never between a surrogate pair. */
    static List<String> chunks(String text) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + CHUNK_CHARS);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            chunks.add(text.substring(start, end));
            start = end;
        }
        return chunks;
    }

    Job toJob(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        int chunks = ((Number) p.get("SpecChunks")).intValue();
        StringBuilder spec = new StringBuilder();
        for (int i = 0; i < chunks; i++) {
            spec.append((String) p.get("Spec" + i));
        }
        Progress progress = new Progress(
                ((Number) p.getOrDefault("ProgressPercent", 0.0)).doubleValue(),
                json.read((String) p.getOrDefault("ProgressCounters", "{}"), new TypeReference<Map<String, Long>>() { }),
                (String) p.get("ProgressMessage"),
                EdmDateTime.instant(p.get("ProgressUpdatedAt")),
                progressHistory.read(p.get(ProgressHistoryJson.PROPERTY)));
        return new Job(
                (String) p.get("JobId"),
                e.getPartitionKey(),
                json.read(spec.toString(), new TypeReference<JobSpec>() { }),
                JobState.valueOf((String) p.get("State")),
                new Lease((String) p.get("AgentId"), (String) p.get("LeaseId"), EdmDateTime.instant(p.get("LeaseExpiresAt")),
                        ((Number) p.get("Epoch")).longValue(), EdmDateTime.instant(p.get("StopDeadline"))),
                ((Number) p.get("Attempt")).intValue(),
                ((Number) p.get("Preemptions")).intValue(),
                progress,
                EdmDateTime.instant(p.get("CreatedAt")),
                EdmDateTime.instant(p.get("UpdatedAt")),
                ((Number) p.get("HistorySequence")).longValue(),
                e.getETag(),
                ((Number) p.getOrDefault("Failures", 0)).intValue(),
                (String) p.get("LastError"),
                EdmDateTime.instant(p.get("LastCheckpointAt")));
    }

    TableEntity toEntity(String tenantId, HistoryEntry entry) {
        TableEntity e = new TableEntity(tenantId, historyRowKey(entry.jobId(), entry.sequence()));
        e.addProperty("Type", "History");
        e.addProperty("JobId", entry.jobId());
        e.addProperty("Sequence", entry.sequence());
        e.addProperty("At", EdmDateTime.of(entry.at()));
        if (entry.from() != null) {
            e.addProperty("From", entry.from().name());
        }
        e.addProperty("To", entry.to().name());
        e.addProperty("Reason", entry.reason());
        e.addProperty("Actor", entry.actor());
        return e;
    }

    HistoryEntry toHistoryEntry(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        String from = (String) p.get("From");
        return new HistoryEntry(
                (String) p.get("JobId"),
                ((Number) p.get("Sequence")).longValue(),
                EdmDateTime.instant(p.get("At")),
                from == null ? null : JobState.valueOf(from),
                JobState.valueOf((String) p.get("To")),
                (String) p.get("Reason"),
                (String) p.get("Actor"));
    }
}
