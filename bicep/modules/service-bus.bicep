// The region's Service Bus namespace, every queue session-enabled with duplicate detection:
// - the three tier intake queues (SessionId = region, so a region's dispatch runs one message at a
//   time; MessageId = job id and epoch, so duplicate detection drops a repeated announcement but not
//   a requeued job's next one);
// - dispatch, one per deployment (SessionId = region: whoever holds the session is the region's
//   dispatcher, so there is one at a time);
// - agent-inbox (SessionId = agent id: offers of work to a parked agent) and agent-commands
//   (SessionId = agent id: checkpoint-and-release, pause, cancel).
// Queues are created here and never by code: the control plane's identity only sends and receives.
// No SAS keys: local authentication is off, every client uses Entra ID.

param location string
param name string
param tags object

@allowed([
  'Standard'
  'Premium'
])
param sku string

@description('Messaging units (Premium only: 1, 2, 4, 8 or 16).')
@allowed([
  1
  2
  4
  8
  16
])
param premiumCapacity int

@description('Prefix of the queue names (QUEUE_PREFIX); may be empty.')
param queuePrefix string

@description('Deliveries of an intake message before Service Bus dead-letters it.')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int

@description('Duplicate detection window of the intake queues (ISO 8601, at least PT20S).')
param intakeDuplicateDetectionWindow string

@description('How long an undelivered intake message lives before it is dead-lettered (ISO 8601).')
param intakeMessageTimeToLive string

@description('Tier intake queues, before the prefix.')
param intakeQueueNames array

@description('Agent command queue, before the prefix.')
param agentCommandQueueName string

@description('Dispatch queue (SessionId = region), before the prefix.')
param dispatchQueueName string

@description('Agent inbox queue (SessionId = agent id), before the prefix.')
param agentInboxQueueName string

// The queues whose messages are only worth something for a short while, so an expired one is dropped
// rather than kept in the dead-letter queue: the ready table, not a message, says what is waiting.
// Duplicate detection over 10 minutes: a sender derives the MessageId from what the message says
// (agent commands: the lease and the command; offers and dispatch requests: the job and its epoch,
// never a random id), so the same message sent twice is one.
var shortLivedQueues = [
  {
    // A command lives at most until its deadline (10 minutes when it has none); the next heartbeat
    // answer carries it anyway.
    name: agentCommandQueueName
    timeToLive: 'PT1H'
  }
  {
    // Wakes the region's dispatcher; one that waited 10 minutes (the detection window) is stale, and
    // the reconcile pass (every 10 s) has dispatched its job anyway.
    name: dispatchQueueName
    timeToLive: 'PT10M'
  }
  {
    // An offer to a parked agent: an agent holds a long poll for at most 30 s, so an offer no agent
    // took within 5 minutes is stale and its job is simply dispatched again.
    name: agentInboxQueueName
    timeToLive: 'PT5M'
  }
]

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  // Capacity (messaging units) exists for Premium only.
  sku: sku == 'Premium' ? {
    name: 'Premium'
    tier: 'Premium'
    capacity: premiumCapacity
  } : {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource intakeQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for queue in intakeQueueNames: {
  parent: namespace
  name: '${queuePrefix}${queue}'
  properties: {
    requiresSession: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: intakeDuplicateDetectionWindow
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: intakeMessageTimeToLive
    maxDeliveryCount: maxDeliveryCount
    // Dispatching one message takes a few storage round trips; the Functions host renews the lock
    // for up to maxAutoLockRenewalDuration (host.json) when it takes longer.
    lockDuration: 'PT1M'
    maxSizeInMegabytes: 1024
    enableBatchedOperations: true
    enablePartitioning: false
  }
}]

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for queue in shortLivedQueues: {
  parent: namespace
  name: '${queuePrefix}${queue.name}'
  properties: {
    requiresSession: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    deadLetteringOnMessageExpiration: false
    defaultMessageTimeToLive: queue.timeToLive
    maxDeliveryCount: maxDeliveryCount
    lockDuration: 'PT1M'
    maxSizeInMegabytes: 1024
    enableBatchedOperations: true
    enablePartitioning: false
  }
}]

output name string = namespace.name
output id string = namespace.id
// <name>.servicebus.windows.net (or the sovereign cloud's suffix), as SERVICEBUS_NAMESPACE and the
// Functions connection's fullyQualifiedNamespace expect: no scheme, no port.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output intakeQueueNames array = [for (queue, i) in intakeQueueNames: intakeQueues[i].name]
output agentCommandQueueName string = queues[0].name
output dispatchQueueName string = queues[1].name
output agentInboxQueueName string = queues[2].name
