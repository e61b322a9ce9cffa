/**
 * What the API and the worker share, and nothing either owns alone.
 *
 * <ul>
 *   <li>{@code config}: the settings both processes read ({@link dev.voting.shared.config.Config}: the
 *       services, the log format), parsed and validated from the environment once at start-up, and the
 *       {@link dev.voting.shared.config.Env} each process reads its own settings with; a bad value stops
 *       the process naming the variable; {@link dev.voting.shared.config.Secrets} keeps passwords out of logs.</li>
 *   <li>{@code vote}: the vote message ({@link dev.voting.shared.vote.Vote}) and its wire format
 *       ({@link dev.voting.shared.vote.VoteCodec}): one vote or a batch per AMQP message.</li>
 *   <li>{@code db}, {@code redis}, {@code amqp}: factories for the clients each process creates once and
 *       shares; {@link dev.voting.shared.amqp.VoteQueue} is the single declaration of the queue topology
 *       ({@link dev.voting.shared.amqp.Channels} closes a channel the one way);
 *       {@link dev.voting.shared.redis.CountsCache} the single way counts reach Redis (set-if-larger).</li>
 *   <li>{@code http}: the small HTTP kernel of both processes: a handler's {@link dev.voting.shared.http.Response},
 *       RFC 9457 problems and the {@link dev.voting.shared.http.ProblemException} catalogue, the one
 *       {@link dev.voting.shared.http.ResponseWriter}, readiness and its {@code /readyz} answer, and the
 *       operator's port ({@link dev.voting.shared.http.OpsServer}: {@code /metrics}, {@code /healthz}, {@code /readyz}).</li>
 *   <li>{@code lifecycle}, {@code metrics}, {@code json}: start-up failures that name the
 *       dependency, LIFO shutdown, the backoff between retries, the Prometheus registry and
 *       the pipeline probe (queue depths, consumers, dependencies up), the strict JSON mapper.</li>
 *   <li>{@code logging}: request ids (validated, generated) and the choice of text or JSON log lines.</li>
 * </ul>
 *
 * <p>Depends on no other module of the project. Invariants kept here: Redis counts only ever grow
 * towards PostgreSQL's; the queue is declared with the same arguments by every process.
 */
package dev.voting.shared;
