package dev.voting.loadtest.bench;

import dev.voting.loadtest.traffic.VoterTokens;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;

/**
 * Pre-minted voter tokens for the wrk client, one per line, voters {@code v0000000}, {@code v0000001}, ...
 * All share one expiry, so every line has the same length and each wrk thread can seek straight to
 * its own share. The file is kept under {@code loadtest/target/tokens} and reused while it is younger
 * than {@link #REUSE_FOR} and signed with the same secret (its name carries a hash of the secret).
 *
 * <p>{@code java -cp voting-loadtest.jar dev.voting.loadtest.bench.MintTokens <count> [file]} mints a file by hand.
 */
public final class MintTokens {
    static final Duration LIFETIME = Duration.ofHours(24);
    static final Duration REUSE_FOR = Duration.ofHours(12);
    static final int DIGITS = 7;

    private MintTokens() {
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Map<String, String> environment = System.getenv();
        Path file = args.length > 1 ? Path.of(args[1]) : defaultFile(Path.of("loadtest/target/tokens"), count, environment);
        write(file, count, VoterTokens.fromEnvironment(environment));
        System.out.println(file.toAbsolutePath());
    }

    /** A fresh enough file of {@code count} tokens for these settings, minted when there is none. */
    public static Path ensure(Path folder, int count, Map<String, String> environment) {
        Path file = defaultFile(folder, count, environment);
        try {
            if (Files.exists(file)
                    && Files.getLastModifiedTime(file).toInstant().isAfter(Instant.now().minus(REUSE_FOR))) {
                return file;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long start = System.nanoTime();
        System.out.printf("bench: minting %,d voter tokens into %s ...%n", count, file);
        write(file, count, VoterTokens.fromEnvironment(environment));
        System.out.printf("bench: minted in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return file;
    }

    static Path defaultFile(Path folder, int count, Map<String, String> environment) {
        String settings = environment.getOrDefault("JWT_SECRET_KEY", "") + "|" + environment.getOrDefault("JWT_ISSUER", "")
                + "|" + environment.getOrDefault("JWT_AUDIENCE", "");
        return folder.resolve("voters-" + count + "-" + sha256(settings).substring(0, 12) + ".txt");
    }

    static void write(Path file, int count, VoterTokens tokens) {
        if (count < 1 || count >= Math.pow(10, DIGITS)) {
            throw new IllegalArgumentException("token count must be 1 to " + ((long) Math.pow(10, DIGITS) - 1));
        }
        Instant expiry = Instant.now().plus(LIFETIME).truncatedTo(ChronoUnit.SECONDS);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            int width = -1;
            try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.US_ASCII)) {
                for (int i = 0; i < count; i++) {
                    String token = tokens.voter(voterId(i), expiry);
                    if (width == -1) {
                        width = token.length();
                    } else if (token.length() != width) {
                        throw new IllegalStateException("token " + i + " has length " + token.length() + ", not " + width);
                    }
                    out.write(token);
                    out.write('\n');
                }
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokens to " + file + ": " + e.getMessage(), e);
        }
    }

    static String voterId(int i) {
        return "v" + String.format("%0" + DIGITS + "d", i);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
