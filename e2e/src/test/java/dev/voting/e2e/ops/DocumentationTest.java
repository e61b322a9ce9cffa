package dev.voting.e2e.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README is the front door: short, and every link in it and in docs/ leads somewhere. */
class DocumentationTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#+ (.+)$", Pattern.MULTILINE);
    private static final int README_LIMIT_BYTES = 10 * 1024;

    @Test
    void theReadmeIsReadInThreeMinutes() throws IOException {
        long size = Files.size(RepoFiles.path("README.md"));
        assertTrue(size < README_LIMIT_BYTES, "README.md is " + size + " bytes; keep it under " + README_LIMIT_BYTES
                + " and put the rest in docs/");
    }

    @Test
    void everyRelativeLinkResolves() {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            String text = read(page);
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;  // http(s), mailto: not checked here (no internet in CI)
                }
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(RepoFiles.root().relativize(page) + ": (" + target + ") " + problem);
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void aLinkToAMissingAnchorIsCaught() {
        Path readme = RepoFiles.path("README.md");
        assertEquals("has no heading for #no-such-section", problem(readme, "docs/guarantees.md#no-such-section"));
        assertEquals("does not exist", problem(readme, "docs/no-such-page.md"));
        assertEquals(null, problem(readme, "docs/guarantees.md#g1g9"));
    }

    /** Null when the link leads somewhere: the file exists and, for a markdown page, so does the anchor. */
    private static String problem(Path page, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "does not exist";
        }
        if (hash >= 0 && resolved.toString().endsWith(".md")) {
            String anchor = target.substring(hash + 1);
            Matcher heading = HEADING.matcher(read(resolved));
            while (heading.find()) {
                if (slug(heading.group(1)).equals(anchor)) {
                    return null;
                }
            }
            return "has no heading for #" + anchor;
        }
        return null;
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static List<Path> pages() {
        try (Stream<Path> docs = Files.list(RepoFiles.path("docs"))) {
            List<Path> pages = new ArrayList<>(docs.filter(p -> p.toString().endsWith(".md")).sorted().toList());
            pages.addFirst(RepoFiles.path("README.md"));
            return pages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
