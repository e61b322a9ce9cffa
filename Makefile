# The voting system. Every target uses JDK 25 and the Maven wrapper; settings come from
# .env.example, then .env, then your environment (see scripts/with-env).
JDK25 ?= /usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME := $(JDK25)
export PATH := $(JDK25)/bin:$(PATH)

MVN := ./mvnw -B -q
ENV := scripts/with-env
API_JAR := api/target/voting-api.jar
WORKER_JAR := worker/target/voting-worker.jar
SOURCES := $(shell find pom.xml sql shared/src shared/pom.xml api/src api/pom.xml worker/src worker/pom.xml -type f 2>/dev/null)

.PHONY: help build test run run-api run-worker migrate token clean chaos dlq dlq-replay

help:
	@echo "make run         migrations, demo poll, API on :8000 and one worker (Ctrl-C stops)"
	@echo "make test        unit, integration and end-to-end tests against the local services"
	@echo "make build       the API and worker jars"
	@echo "make run-api     the API alone;  make run-worker  a worker (start as many as you like)"
	@echo "make migrate     apply the database migrations"
	@echo "make token SUB=alice [ROLES=admin] [TTL=3600]   a development token"
	@echo "make chaos       ~2 min of votes under 10 injected faults; prints lost/phantom/double-counted (all 0)"
	@echo "make dlq         what is in <queue>.dlq, with the reason;  make dlq-replay  puts it back on the queue"

build: $(API_JAR) $(WORKER_JAR)

$(API_JAR) $(WORKER_JAR) &: $(SOURCES)
	$(MVN) package -DskipTests -DskipITs

test:
	$(MVN) verify

run: build
	$(ENV) scripts/run.sh

run-api: build
	$(ENV) java $(API_JAVA_OPTS) -jar $(API_JAR)

run-worker: build
	$(ENV) java $(WORKER_JAVA_OPTS) -jar $(WORKER_JAR)

migrate: build
	$(ENV) java -cp $(API_JAR) dev.voting.api.Migrate

token: build
	@$(ENV) java -cp $(API_JAR) dev.voting.api.auth.DevToken "$(SUB)" "$(ROLES)" "$(or $(TTL),3600)"

# Its own PostgreSQL, Redis and RabbitMQ on free loopback ports (data under e2e/target/chaos), the
# API and two workers from the built jars; CHAOS_SECONDS sets the length of the load.
chaos:
	$(MVN) -pl e2e -am verify -Dit.test=ChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
		-Dfailsafe.failIfNoSpecifiedTests=false -Dchaos.seconds=$(or $(CHAOS_SECONDS),120)
	@cat e2e/target/chaos/summary.txt

dlq: build
	@$(ENV) java -cp $(WORKER_JAR) dev.voting.worker.DeadLetters list

dlq-replay: build
	@$(ENV) java -cp $(WORKER_JAR) dev.voting.worker.DeadLetters replay

clean:
	$(MVN) clean
