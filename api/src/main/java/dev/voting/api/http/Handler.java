package dev.voting.api.http;

import java.io.IOException;

/** One route's work: read the call, answer a response or throw a {@link ProblemException}. */
@FunctionalInterface
public interface Handler {
    Response handle(Call call) throws IOException;
}
