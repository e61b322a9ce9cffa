#!/bin/sh
# Creates the Secret voting-secrets from the credentials the operators generated, pointing the apps at
# the engines of this directory: DATABASE_URL at the primary (voting-db-rw), DATABASE_REPLICA_URL at
# the replicas (voting-db-ro), RABBITMQ_URL at the RabbitMQ Service (which KEDA reads too). With
# Sentinels, REDIS_URL gives only the database (and a password if you set one); the host is unused.
# Run it once the operators have created their Secrets.
set -eu
namespace=${NAMESPACE:-voting}
field() { kubectl -n "$namespace" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d; }

# CloudNativePG's own URI of the primary, its password already encoded for a URL.
database_url=$(field voting-db-app uri)
replica_url=$(printf '%s' "$database_url" | sed 's/voting-db-rw/voting-db-ro/')
case $replica_url in
  *voting-db-ro*) ;;
  *) echo "voting-db-app's uri does not name voting-db-rw: $database_url" | sed 's/:[^:@]*@/:***@/' >&2; exit 1 ;;
esac
# The RabbitMQ operator's credentials are URL-safe base64.
rabbit_user=$(field voting-rabbitmq-default-user username)
rabbit_password=$(field voting-rabbitmq-default-user password)

kubectl -n "$namespace" create secret generic voting-secrets \
  --from-literal=DATABASE_URL="$database_url" \
  --from-literal=DATABASE_REPLICA_URL="$replica_url" \
  --from-literal=RABBITMQ_URL="amqp://$rabbit_user:$rabbit_password@voting-rabbitmq:5672/" \
  --from-literal=REDIS_URL="redis://rfs-voting-redis:6379/0"
