package io.controlplane.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.simulator.AgentLog.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The work items a {@link SimulatedJob} migrates ({@code config.simulation.workItems: N}) and the
 * cursor checkpoint that says how far it got. Item {@code i} is recorded as the mapping
 * {@code WorkItem i → i + }{@value #TARGET_ID_OFFSET} once the job's percent reaches it; the
 * checkpoint is {@code { percent }}, or with work items {@code { percent, workItems }} naming how
 * many are recorded. Used by the job's own thread only.
 */
final class WorkItems {

    /** The mapping type and target id offset of simulated work items: item {@code i} becomes {@code i + offset}. */
    static final String WORK_ITEM = "WorkItem";
    static final int TARGET_ID_OFFSET = 100_000;

    private final SimulatedAgent agent;
    private final Lease lease;
    private final AgentLog log;
    private final LeaseWrites writes;
    /** How many items the job migrates (0: none, the checkpoint names only the percent). */
    private final int count;
    /** Work items 1..recorded are stored as mappings (the control plane answered 200). */
    private int recorded;

    /** @param recorded how many items are stored already (a resumed job's checkpoint says) */
    WorkItems(SimulatedAgent agent, Lease lease, AgentLog log, LeaseWrites writes, int count, int recorded) {
        this.agent = agent;
        this.lease = lease;
        this.log = log;
        this.writes = writes;
        this.count = count;
        this.recorded = recorded;
    }

    /** Whether the job migrates work items at all. */
    boolean any() {
        return count > 0;
    }

    /**
     * The checkpoint {@code { percent }}, or with work items {@code { percent, workItems }}: the items
     * due by {@code percent} are recorded first, and the checkpoint names only items that are.
     *
     * @return whether the checkpoint was written
     */
    boolean checkpoint(int percent) {
        ObjectNode data = Jackson.MAPPER.createObjectNode().put("percent", percent);
        if (count > 0) {
            record(percent);
            data.put("workItems", recorded);
        }
        if (writes.write("checkpoint", () -> agent.client().cursorCheckpoint(lease.leaseId(), lease.epoch(),
                SimulatedAgent.CHECKPOINT_NAME, data))) {
            Map<String, Object> fields = AgentLog.fields("name", SimulatedAgent.CHECKPOINT_NAME, "percent", percent);
            if (count > 0) {
                fields.put("workItems", data.path("workItems").asInt());
            }
            log.event(EventType.CHECKPOINT, lease, fields);
            return true;
        }
        return false;
    }

    /**
     * Records the mappings of the work items due by {@code percent} that are not recorded yet, in
     * calls of at most {@link AgentClient#MAX_MAPPINGS_PER_CALL}.
     *
     * @return whether every item due is recorded now
     */
    boolean record(int percent) {
        int due = (int) Math.min(count, (long) percent * count / 100);
        while (recorded < due) {
            int from = recorded + 1;
            int to = Math.min(due, recorded + AgentClient.MAX_MAPPINGS_PER_CALL);
            List<IdMapping> items = new ArrayList<>();
            for (int i = from; i <= to; i++) {
                items.add(new IdMapping(WORK_ITEM, String.valueOf(i), String.valueOf(i + TARGET_ID_OFFSET)));
            }
            if (!writes.write("mappings", () -> agent.client().mappings(lease.leaseId(), lease.epoch(), items))) {
                return false;
            }
            recorded = to;
            log.event(EventType.MAPPINGS, lease, AgentLog.fields("type", WORK_ITEM, "from", from, "to", to));
        }
        return true;
    }
}
