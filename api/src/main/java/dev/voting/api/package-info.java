/**
 * The HTTP API: checks the token and the request, answers 202 only after RabbitMQ confirmed the vote.
 *
 * <ul>
 *   <li>{@code app}: {@link dev.voting.api.app.ApiApplication} wires everything with {@code new} and lists
 *       every route, {@link dev.voting.api.app.Main} starts it; {@link dev.voting.api.ApiConfig} is its
 *       settings (the shared ones and the API's own), here at the root, which imports no package of the
 *       API that imports it (no package cycle: the wiring, which imports every package, is apart).</li>
 *   <li>{@code http}: the {@link dev.voting.api.http.Router} (routing, access, the per-client cap on
 *       requests in flight, the one place that turns exceptions into {@code application/problem+json}
 *       and hands responses to the shared {@code ResponseWriter}), server limits, metrics; {@code /metrics}
 *       itself is on the operator's port.</li>
 *   <li>{@code client}: who sent a request ({@link dev.voting.api.client.ClientAddresses}: the TCP peer,
 *       or the client a trusted proxy names; an IPv6 client is its /64) and
 *       {@link dev.voting.api.client.ClientGate}, a cap per client address.</li>
 *   <li>{@code auth}: token verification in memory, with the algorithm pinned by configuration.</li>
 *   <li>{@code poll}: polls in PostgreSQL and the in-process {@link dev.voting.api.poll.PollCatalog}.</li>
 *   <li>{@code vote}: the vote path — {@link dev.voting.api.vote.VoteAdmissions} (one Redis script:
 *       rate limits and the voter's claim), {@link dev.voting.api.vote.VotePublisher} (group commit under
 *       publisher confirms; its lanes run the admission scripts of each batch in one round trip), and vote lookup.</li>
 *   <li>{@code results}: live results from Redis with a TTL, PostgreSQL as the fallback that repairs Redis;
 *       {@link dev.voting.api.results.ResultsFeeds} shares one ticker per watched poll among all its
 *       Server-Sent Events viewers (capped in all and per client, each stream bounded in time).</li>
 *   <li>{@code web}: files from the jar by name from a fixed list: the live results page, Swagger UI, openapi.yaml.</li>
 * </ul>
 *
 * <p>Handlers call services, never each other; only {@code vote} publishes. A vote's body is read and
 * checked before it takes one of the votes-in-flight slots, and no client address holds more than its
 * share of requests or streams: one client cannot make another's vote wait. Invariants: a 202 means the
 * broker confirmed the persistent message (G1); a 409 {@code already_voted} names a vote that is
 * counted or (re-)confirmed in the queue, never one lost with a crashed API (G1); a 503
 * {@code service_unavailable} gives the voter's claim back only when the vote can never be queued,
 * and a vote in doubt keeps it ({@code outcome_unknown}, G5, G9); where Redis cannot vouch for a
 * poll's markers, answers come from what PostgreSQL counts (G9); the results one process serves of a poll, by GET or stream, never go back
 * in any count or in {@code asOf} (G4); a 202 is given only while the poll is open by a copy of it
 * read less than (close delay − clock skew) ago, with the instant it becomes {@code acceptedAt}, so
 * the worker counts every 202 (G8); nothing in this module writes votes or counts to PostgreSQL —
 * only the worker does.
 */
package dev.voting.api;
