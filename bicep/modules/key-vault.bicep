// The region's Key Vault: where job specs' credential references point
// (https://<vault>.vault.azure.net/secrets/<name>). Access is by Azure RBAC only (no access
// policies); deleted secrets and the vault itself are recoverable (soft delete) and cannot be
// purged before the retention period ends (purge protection).

param location string
param name string
param tags object

@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('recover: bring back the soft-deleted vault of this name (a resource group deleted and deployed again); default: create or update it.')
@allowed([
  'default'
  'recover'
])
param createMode string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    createMode: createMode
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
