/**
 * The use cases, on the ports, wired in one place by {@link io.controlplane.app.UseCases#builder}.
 *
 * <p>What the API and the hosts call (public):
 * <ul>
 *   <li>clients: {@link io.controlplane.app.SubmitJob}, {@link io.controlplane.app.JobQueries},
 *       {@link io.controlplane.app.CancelJob}, {@link io.controlplane.app.PauseResume},
 *       {@link io.controlplane.app.FindMappings}, {@link io.controlplane.app.EraseJob},
 *       {@link io.controlplane.app.TenantData}, {@link io.controlplane.app.TenantOrganisations};</li>
 *   <li>agents: {@link io.controlplane.app.RegisterAgent}, {@link io.controlplane.app.AgentHeartbeat},
 *       {@link io.controlplane.app.LeaseWork}, {@link io.controlplane.app.ReportProgress},
 *       {@link io.controlplane.app.SaveCheckpoint}, {@link io.controlplane.app.RecordMappings},
 *       {@link io.controlplane.app.ThrottleReports}, {@link io.controlplane.app.FinishJob},
 *       {@link io.controlplane.app.ReleaseLease};</li>
 *   <li>operators: {@link io.controlplane.app.AgentAdmin};</li>
 *   <li>what runs between requests: {@link io.controlplane.app.Dispatcher} (assignment on events),
 *       {@link io.controlplane.app.LocalDispatch} (intake and dispatch events, preemption timers),
 *       {@link io.controlplane.app.Preemption}, {@link io.controlplane.app.Reconcile} and
 *       {@link io.controlplane.app.ReconcilePass}, {@link io.controlplane.app.Retention};</li>
 *   <li>values and views they share: {@link io.controlplane.app.Caller},
 *       {@link io.controlplane.app.LeaseGrant}, {@link io.controlplane.app.Dispatching},
 *       {@link io.controlplane.app.JobEvents} (live events), {@link io.controlplane.app.JobEstimates},
 *       {@link io.controlplane.app.LongPolls}, {@link io.controlplane.app.PreemptionChecks},
 *       {@link io.controlplane.app.JobIdGenerator}.</li>
 * </ul>
 *
 * <p>The helpers the use cases share are package-private: the agent records and their caches
 * ({@code AgentRecords}), fenced lease access ({@code LeaseAccess}), pools and throttles
 * ({@code Pools}), requeueing ({@code Requeue}), the ready signal ({@code ReadySignal}), claims,
 * slot release, lease stops, pushed commands, the intake echo and the event-publishing job store.
 * The pure rules they apply live in {@code io.controlplane.scheduling} (dispatch order, matching,
 * preemption victims) and {@code io.controlplane.domain}.
 */
package io.controlplane.app;
