# The voting system. Every target uses JDK 25 and the Maven wrapper; settings come from
# .env.example, then .env, then your environment (see scripts/with-env). The first `make run` or
# `make up` writes a .env of your own with a random JWT_SECRET_KEY (see docs/security.md).
# JDK 25: JAVA_HOME when it points at one, else the usual install; `make JDK25=/path` overrides both.
JDK25 ?= $(if $(shell grep -qs '^JAVA_VERSION="25' "$(JAVA_HOME)/release" && echo yes),$(JAVA_HOME),/usr/lib/jvm/temurin-25-jdk-amd64)
export JAVA_HOME := $(JDK25)
export PATH := $(JDK25)/bin:$(PATH)

MVN := ./mvnw -B -q
ENV := scripts/with-env
API_JAR := api/target/voting-api.jar
WORKER_JAR := worker/target/voting-worker.jar
LOADTEST_JAR := loadtest/target/voting-loadtest.jar
SOURCES := $(shell find pom.xml sql shared/src shared/pom.xml api/src api/pom.xml worker/src worker/pom.xml -type f 2>/dev/null)
LOADTEST_SOURCES := $(shell find loadtest/pom.xml loadtest/src -type f 2>/dev/null)

.PHONY: help build test run run-cluster run-api run-worker migrate token clean chaos chaos-cluster test-cluster dlq dlq-replay loadtest loadtest-smoke bench bench-queue up down

help:
	@echo "make run         migrations, demo poll, API on :8000 and one worker (Ctrl-C stops)"
	@echo "make run-cluster HAProxy on :8000 in front of 2 API processes (:8001, :8002) and 3 workers, on the local services (Ctrl-C stops)"
	@echo "make test        unit, integration and end-to-end tests against the local services"
	@echo "make build       the API and worker jars"
	@echo "make run-api     the API alone;  make run-worker  a worker (more on one machine: WORKER_METRICS_PORT=9101 make run-worker, ...)"
	@echo "make migrate     apply the database migrations"
	@echo "make token SUB=alice [ROLES=admin] [TTL=3600]   a development token"
	@echo "make test-cluster  ~4 min: a 3-node RabbitMQ cluster loses the leader's node, then its majority; a PostgreSQL primary dies, its replica is promoted; exact counts"
	@echo "make chaos       ~2 min of votes under 15 injected faults; prints lost/phantom/double-counted and untrue answers (all 0)"
	@echo "make chaos-cluster  ~5 min: every engine replicated, HAProxy in front of 2 APIs; each engine's failover in turn under load; exact counts"
	@echo "make dlq         what is in <queue>.dlq, with the reason;  make dlq-replay  puts it back on the queue"
	@echo "make loadtest    Gatling VoteStorm against BASE_URL (default :8000; started when nothing answers); RATE=, SIMULATION=PrimeTime|Soak"
	@echo "make loadtest-smoke  ~20 s of gentle load on a system of its own: exactness and codes (part of make test)"
	@echo "make up          everything in Docker: PostgreSQL, RabbitMQ, Redis, API, worker, Prometheus, Grafana;  make down  stops it"
	@echo "make bench       wrk at 50 and 1,000 connections against the system and the bare JDK server, then a 1,000,000-vote drain; table in loadtest/results"
	@echo "make bench-queue one quorum queue alone: messages/s and votes/s at 1 to 500 votes per message (the capacity model's ceiling)"

build: $(API_JAR) $(WORKER_JAR)

$(API_JAR) $(WORKER_JAR) &: $(SOURCES)
	$(MVN) package -DskipTests -DskipITs

test:
	$(MVN) verify
	$(MAKE) --no-print-directory loadtest-smoke

run: build .env
	$(ENV) scripts/run.sh

# The signing key in .env.example is published with the project: a .env of your own replaces it.
.env:
	@umask 077 && printf '%s\n' '# Yours, never committed: it overrides .env.example (see scripts/with-env).' \
		"JWT_SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n')" > $@
	@echo "created .env with a random JWT_SECRET_KEY"

# HAProxy (deploy/haproxy) in front of APIS= API processes and WORKERS= workers on this machine's services.
run-cluster: build .env
	$(ENV) scripts/run-cluster.sh

run-api: build
	$(ENV) java $(API_JAVA_OPTS) -jar $(API_JAR)

run-worker: build
	$(ENV) java $(WORKER_JAVA_OPTS) -jar $(WORKER_JAR)

migrate: build
	$(ENV) java -cp $(API_JAR) dev.voting.api.app.Migrate

token: build
	@$(ENV) java -cp $(API_JAR) dev.voting.api.auth.DevToken "$(SUB)" "$(ROLES)" "$(or $(TTL),3600)"

# Its own PostgreSQL, Redis and RabbitMQ on free loopback ports (data under e2e/target/chaos), the
# two APIs and two workers from the built jars; CHAOS_SECONDS sets the length of the load.
chaos:
	$(MVN) -pl e2e -am verify -Dit.test=ChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfailsafe.failIfNoSpecifiedTests=false -Dchaos.seconds=$(or $(CHAOS_SECONDS),120)
	@cat e2e/target/chaos/summary.txt

# Three RabbitMQ nodes, a PostgreSQL primary and replica, Redis behind three Sentinels, HAProxy in front of
# two APIs and three workers, all of its own on free loopback ports (data under e2e/target/cluster-chaos);
# CLUSTER_CHAOS_SECONDS sets the length of the load.
chaos-cluster:
	$(MVN) -pl e2e -am verify -Dit.test=ClusterChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfailsafe.failIfNoSpecifiedTests=false -Dcluster.chaos.seconds=$(or $(CLUSTER_CHAOS_SECONDS),200)
	@cat e2e/target/cluster-chaos/summary.txt

# Not in ./mvnw verify (ClusterChaosIT strikes the same faults there). Three RabbitMQ nodes (run as the
# rabbitmq user), then a PostgreSQL primary and replica, each with the
# other engines of its own on free loopback ports (data under e2e/target), one API and two workers.
test-cluster:
	$(MVN) -pl e2e -am verify -Dit.test='RabbitClusterIT,PostgresFailoverIT' -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfailsafe.failIfNoSpecifiedTests=false
	@cat e2e/target/rabbit-cluster/timeline.log e2e/target/postgres-failover/timeline.log

dlq: build
	@$(ENV) java -cp $(WORKER_JAR) dev.voting.worker.DeadLetters list

dlq-replay: build
	@$(ENV) java -cp $(WORKER_JAR) dev.voting.worker.DeadLetters replay

# Load tests and the benchmark (loadtest/; docs/performance.md). Each starts its own API and workers
# on a slice of their own (schema, queue, key prefix, port; rate limits off) unless told otherwise.
$(LOADTEST_JAR): $(SOURCES) $(LOADTEST_SOURCES)
	$(MVN) -pl loadtest -am package -DskipTests -DskipITs

loadtest: build $(LOADTEST_JAR)
	$(ENV) java -cp $(LOADTEST_JAR) dev.voting.loadtest.LoadTest $(or $(SIMULATION),VoteStorm)

loadtest-smoke: build $(LOADTEST_JAR)
	$(ENV) java -cp $(LOADTEST_JAR) dev.voting.loadtest.LoadTest VoteStorm --smoke

bench: build $(LOADTEST_JAR)
	@command -v wrk >/dev/null || { echo "installing wrk (Debian's package)"; \
		apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }; }
	$(ENV) java -cp $(LOADTEST_JAR) dev.voting.loadtest.bench.Bench

# One quorum queue alone (beside the vote queue): messages/s and votes/s at 1 to 500 votes per message.
bench-queue: $(LOADTEST_JAR)
	$(ENV) java -cp $(LOADTEST_JAR) dev.voting.loadtest.bench.QueueCeiling

clean:
	$(MVN) clean

# Docker Compose (needs a Docker engine): the app images are built from the sources, the services
# wait for each other's health checks. API :8000, Grafana :3000, Prometheus :9090, RabbitMQ UI :15672.
up: .env
	docker compose up -d --build
	@echo "API http://localhost:8000 (docs /docs)  Grafana http://localhost:3000  Prometheus http://localhost:9090"

down:
	docker compose down
