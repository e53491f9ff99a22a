// Built-in role assignments on this region's resources, one place for the role definition ids.
// Each assignment's name is derived from scope, principal and role, so deploying again changes
// nothing and a principal never gets the same role twice.

@description('The control plane\'s storage account (tables, Storage Queue intake): what storage-scoped assignments apply to.')
param storageAccountName string

@description('The Functions host\'s storage account (AzureWebJobsStorage, deployment package): what hostStorage-scoped assignments apply to.')
param hostStorageAccountName string

@description('Service Bus namespace that the serviceBus-scoped assignments apply to.')
param serviceBusNamespaceName string

@description('Key Vault that the keyVault-scoped assignments apply to.')
param keyVaultName string

@description('Application Insights component that the applicationInsights-scoped assignments apply to.')
param applicationInsightsName string

type roleName = 'Storage Table Data Contributor' | 'Storage Queue Data Contributor' | 'Storage Blob Data Contributor' | 'Storage Blob Data Owner' | 'Azure Service Bus Data Owner' | 'Azure Service Bus Data Sender' | 'Azure Service Bus Data Receiver' | 'Key Vault Secrets User' | 'Monitoring Metrics Publisher'

type assignment = {
  @description('Object id of the managed identity (service principal) that gets the role.')
  principalId: string
  role: roleName
  scope: 'storage' | 'hostStorage' | 'serviceBus' | 'keyVault' | 'applicationInsights'
  @description('Why this principal needs this role; shown on the assignment in the portal.')
  why: string
}

param assignments assignment[]

// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
var roleIds = {
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  'Azure Service Bus Data Owner': '090c5cfd-751d-490a-894a-3ce6f1109419'
  'Azure Service Bus Data Sender': '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  'Azure Service Bus Data Receiver': '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6'
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource onStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'storage'): {
  name: guid(storage.id, a.principalId, roleIds[a.role])
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[a.role])
    principalId: a.principalId
    principalType: 'ServicePrincipal'
    description: a.why
  }
}]

resource onHostStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'hostStorage'): {
  name: guid(hostStorage.id, a.principalId, roleIds[a.role])
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[a.role])
    principalId: a.principalId
    principalType: 'ServicePrincipal'
    description: a.why
  }
}]

resource onServiceBus 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'serviceBus'): {
  name: guid(serviceBus.id, a.principalId, roleIds[a.role])
  scope: serviceBus
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[a.role])
    principalId: a.principalId
    principalType: 'ServicePrincipal'
    description: a.why
  }
}]

resource onKeyVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'keyVault'): {
  name: guid(vault.id, a.principalId, roleIds[a.role])
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[a.role])
    principalId: a.principalId
    principalType: 'ServicePrincipal'
    description: a.why
  }
}]

resource onApplicationInsights 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for a in filter(assignments, x => x.scope == 'applicationInsights'): {
  name: guid(applicationInsights.id, a.principalId, roleIds[a.role])
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[a.role])
    principalId: a.principalId
    principalType: 'ServicePrincipal'
    description: a.why
  }
}]
