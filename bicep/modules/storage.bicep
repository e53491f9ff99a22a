// A storage account of the region, with the same protections whatever it holds. main.bicep deploys
// it twice: the control plane's own account (its tables, which hold all job state, and the Storage
// Queue intake queues used when MESSAGING=storagequeues), and the Functions host's account
// (AzureWebJobsStorage: timer locks, keys; the Flex Consumption deployment container). Nothing of
// the product lives in the host's account, nothing of the host in the product's. No account keys:
// shared-key access is off, so every caller authenticates with Entra ID (managed identities and RBAC).

param location string
param name string
param tags object

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Prefix of every table name (STORAGE_TABLE_PREFIX): letters and digits, starting with a letter. Unused without tables.')
param tablePrefix string = ''

@description('Prefix of the intake queue names (QUEUE_PREFIX); may be empty.')
param queuePrefix string = ''

@description('Blob container that Flex Consumption deploys the function app package from; empty for none.')
param deploymentContainerName string = ''

@description('Tables the control plane uses, before the prefix; empty for none.')
param tableNames array = []

@description('Intake queues, before the prefix; each gets a -poison queue beside it, as the Functions queue trigger and the standalone poller expect. Empty for none.')
param intakeQueueNames array = []

var poisonSuffix = '-poison'
var hasDeploymentContainer = !empty(deploymentContainerName)

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    encryption: {
      // Double encryption at rest; it can only be chosen when the account is created.
      requireInfrastructureEncryption: true
      keySource: 'Microsoft.Storage'
      services: {
        blob: {
          enabled: true
          keyType: 'Account'
        }
        file: {
          enabled: true
          keyType: 'Account'
        }
        // Account-scoped keys for tables and queues too (also fixed at creation), so a customer-managed
        // key can cover them later.
        table: {
          enabled: true
          keyType: 'Account'
        }
        queue: {
          enabled: true
          keyType: 'Account'
        }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = if (hasDeploymentContainer) {
  parent: blobService
  // A well-formed name even where it is skipped: an empty last segment could fail template validation.
  name: hasDeploymentContainer ? deploymentContainerName : 'none'
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tableNames: {
  parent: tableService
  name: '${tablePrefix}${table}'
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource intakeQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in intakeQueueNames: {
  parent: queueService
  name: '${queuePrefix}${queue}'
}]

resource poisonQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in intakeQueueNames: {
  parent: queueService
  name: '${queuePrefix}${queue}${poisonSuffix}'
}]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output tableEndpoint string = account.properties.primaryEndpoints.table
output queueEndpoint string = account.properties.primaryEndpoints.queue
// Empty when the account has no deployment container.
output deploymentContainerUrl string = hasDeploymentContainer ? '${account.properties.primaryEndpoints.blob}${deploymentContainerName}' : ''
output tableNames array = [for (table, i) in tableNames: tables[i].name]
