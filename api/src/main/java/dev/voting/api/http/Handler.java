package dev.voting.api.http;

import dev.voting.shared.http.ProblemException;
import dev.voting.shared.http.Response;

import java.io.IOException;

/** One route's work: read the call, answer a response or throw a {@link ProblemException}. */
@FunctionalInterface
public interface Handler {
    Response handle(Call call) throws IOException;
}
