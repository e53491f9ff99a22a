#!/usr/bin/env bash
# Deploys the control plane to one Azure region (docs/deployment.md): bicep/main.bicep with
# bicep/parameters/<REGION>.parameters.json into the resource group rg-<prefix>-<REGION>
# (created if missing), then, with --code, the Functions app built from this checkout.
#
#   scripts/deploy.sh [options] REGION
#
#   --what-if               show what the deployment would change; change nothing
#   --code                  also build and deploy the Functions app (mvn package + zip deploy)
#   --subscription ID       the subscription to deploy to (default: az's current one)
#   --resource-group NAME   resource group (default: rg-${RESOURCE_GROUP_PREFIX:-controlplane}-REGION)
#   --parameter NAME=VALUE  override one parameter of the file (repeatable), e.g.
#                           --parameter standaloneImage=contoso.azurecr.io/controlplane-standalone:1.4.0
#
# Needs the Azure CLI (az, 2.60 or later, with Bicep: `az bicep install`), signed in with `az login`
# as someone who may create resources and role assignments (Owner, or Contributor plus Role Based
# Access Control Administrator) in the subscription.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

fail() {
  echo "deploy: $*" >&2
  exit 1
}

what_if=0
deploy_code=0
subscription=""
resource_group=""
region=""
overrides=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --what-if) what_if=1 ;;
    --code) deploy_code=1 ;;
    --subscription) [[ $# -ge 2 ]] || usage; subscription="$2"; shift ;;
    --resource-group) [[ $# -ge 2 ]] || usage; resource_group="$2"; shift ;;
    --parameter) [[ $# -ge 2 && "$2" == *=* ]] || usage; overrides+=("$2"); shift ;;
    -h|--help) usage 0 ;;
    -*) echo "deploy: unknown option $1" >&2; usage ;;
    *) [[ -z "$region" ]] || usage; region="$1" ;;
  esac
  shift
done
[[ -n "$region" ]] || usage

[[ "$region" =~ ^[a-z][a-z0-9]{1,39}$ ]] || fail "'$region' is not an Azure region name (e.g. westeurope)"
parameters="$ROOT/bicep/parameters/$region.parameters.json"
if [[ ! -f "$parameters" ]]; then
  known=""
  for file in "$ROOT"/bicep/parameters/*.parameters.json; do
    [[ -e "$file" ]] && known="$known${known:+ }$(basename "$file" .parameters.json)"
  done
  fail "no parameter file for $region ($parameters); regions with one: ${known:-none}. Copy one and adjust it (docs/deployment.md)."
fi
resource_group="${resource_group:-rg-${RESOURCE_GROUP_PREFIX:-controlplane}-$region}"

command -v az >/dev/null 2>&1 \
  || fail "the Azure CLI (az) is missing; install it (https://learn.microsoft.com/cli/azure/install-azure-cli), run \`az login\`, then run this again"

# The same checks as the tests, before anything is sent to Azure (skipped when Node.js is absent:
# az compiles the templates anyway).
if command -v node >/dev/null 2>&1 && [[ -d "$ROOT/node_modules/tree-sitter-bicep" ]]; then
  node "$ROOT/scripts/check-bicep.mjs" || fail "the templates do not pass scripts/check-bicep.mjs"
fi

# --only-show-errors keeps the array non-empty: "${a[@]}" of an empty array fails under set -u in
# the bash 3.2 that macOS ships.
az_args=(--only-show-errors)
if [[ -n "$subscription" ]]; then
  az_args+=(--subscription "$subscription")
fi
az account show "${az_args[@]}" --query '{subscription:name, id:id, tenant:tenantId}' -o table >/dev/null 2>&1 \
  || fail "az is not signed in (or cannot see subscription '${subscription:-current}'); run \`az login\`"

deployment="controlplane-$region-$(date -u +%Y%m%d%H%M%S)"
deployment_args=(
  --resource-group "$resource_group"
  --name "$deployment"
  --template-file "$ROOT/bicep/main.bicep"
  --parameters "@$parameters"
)
for override in ${overrides[@]+"${overrides[@]}"}; do
  deployment_args+=(--parameters "$override")
done

if [[ "$(az group exists "${az_args[@]}" --name "$resource_group")" != "true" ]]; then
  if [[ "$what_if" -eq 1 ]]; then
    echo "deploy: resource group $resource_group does not exist yet: a deployment would create it and every resource in bicep/main.bicep."
    exit 0
  fi
  echo "deploy: creating resource group $resource_group in $region"
  az group create "${az_args[@]}" --name "$resource_group" --location "$region" \
    --tags application=migration-controlplane region="$region" -o none
fi

if [[ "$what_if" -eq 1 ]]; then
  echo "deploy: what-if of $deployment in $resource_group"
  az deployment group what-if "${az_args[@]}" "${deployment_args[@]}"
  exit 0
fi

echo "deploy: deploying $deployment to $resource_group (this takes several minutes)"
az deployment group create "${az_args[@]}" "${deployment_args[@]}" \
  --query 'properties.outputs' -o json

output() {
  az deployment group show "${az_args[@]}" --resource-group "$resource_group" --name "$deployment" \
    --query "properties.outputs.$1.value" -o tsv
}

if [[ "$deploy_code" -eq 1 ]]; then
  function_app="$(output functionAppName)"
  command -v mvn >/dev/null 2>&1 || fail "--code needs Maven (mvn) and a JDK 17 to build the Functions app"
  echo "deploy: building the Functions app"
  (cd "$ROOT" && mvn -B -q -DskipTests -pl functions -am package)
  staged="$ROOT/functions/target/azure-functions/migration-controlplane"
  [[ -f "$staged/host.json" ]] || fail "the Functions app was not staged in $staged"
  package="$(mktemp -d)/migration-controlplane.zip"
  # jar --no-manifest writes a plain zip, and the JDK is there anyway (zip may not be).
  (cd "$staged" && jar --create --no-manifest --file "$package" .)
  echo "deploy: deploying the app package to $function_app"
  az functionapp deployment source config-zip "${az_args[@]}" --resource-group "$resource_group" \
    --name "$function_app" --src "$package" -o none
  rm -f "$package"
fi

url="$(output functionAppUrl)"
echo "deploy: done. Control plane: $url"
echo "deploy: check it with: curl -s $url/health/ready"
