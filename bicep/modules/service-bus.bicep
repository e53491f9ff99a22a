// The region's Service Bus namespace: the three tier intake queues (SessionId = region, so a
// region's dispatch runs one message at a time; MessageId = job id, so duplicate detection drops a
// repeated announcement) and the agent command queue (SessionId = agent id). Queues are created here
// and never by code: the control plane's identity only sends and receives. No SAS keys: local
// authentication is off, every client uses Entra ID.

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

resource agentCommandQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: '${queuePrefix}${agentCommandQueueName}'
  properties: {
    requiresSession: true
    requiresDuplicateDetection: true
    // MessageId is derived from the lease and the command, and a command lives at most until its
    // deadline (10 minutes when it has none): the same window drops a command pushed twice.
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    // An expired command is stale by design (the next heartbeat answer carries it anyway), so it is
    // dropped rather than kept in the dead-letter queue.
    deadLetteringOnMessageExpiration: false
    defaultMessageTimeToLive: 'PT1H'
    maxDeliveryCount: maxDeliveryCount
    lockDuration: 'PT1M'
    maxSizeInMegabytes: 1024
    enableBatchedOperations: true
    enablePartitioning: false
  }
}

output name string = namespace.name
output id string = namespace.id
// <name>.servicebus.windows.net (or the sovereign cloud's suffix), as SERVICEBUS_NAMESPACE and the
// Functions connection's fullyQualifiedNamespace expect: no scheme, no port.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output intakeQueueNames array = [for (queue, i) in intakeQueueNames: intakeQueues[i].name]
output agentCommandQueueName string = agentCommandQueue.name
