package dev.voting.e2e.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository (ops/, deploy/, Dockerfiles), found from whichever module the test runs in. */
final class RepoFiles {
    private RepoFiles() {
    }

    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(".env.example")) && Files.isDirectory(dir.resolve("ops"))) {
                return dir;
            }
        }
        throw new IllegalStateException("the repository root (with .env.example and ops/) is not above " + Path.of("").toAbsolutePath());
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
