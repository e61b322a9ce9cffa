package dev.voting.api.auth;

import java.util.Set;

/** The caller of a request, from a verified token: the voter is the token's subject. */
public record Principal(String subject, Set<String> roles) {
    public boolean isAdmin() {
        return roles.contains("admin");
    }
}
