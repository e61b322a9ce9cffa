package dev.voting.e2e.ops;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of the main code of api, worker and shared, read from the source tree and the compiled
 * classes: small files, few dependencies per class, and packages that depend on each other one way.
 */
class ArchitectureTest {
    private static final List<String> MODULES = List.of("api", "worker", "shared");
    private static final int MAX_LINES = 200;
    private static final int MAX_CONSTRUCTOR_PARAMETERS = 6;
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(dev\\.voting\\.[\\w.]+?)(?:\\.\\*)?\\s*;",
            Pattern.MULTILINE);

    /** A main source file: where it is, its package, its text. */
    private record Source(Path path, String pkg, String text) {
        String className() {
            String file = path.getFileName().toString();
            return pkg + "." + file.substring(0, file.length() - ".java".length());
        }

        long lines() {
            return text.lines().count();
        }
    }

    @Test
    void noMainFileIsOverTwoHundredLines() {
        Map<String, Long> tooLong = new TreeMap<>();
        for (Source source : sources()) {
            if (source.lines() > MAX_LINES) {
                tooLong.put(RepoFiles.root().relativize(source.path()).toString(), source.lines());
            }
        }
        assertEquals(Map.of(), tooLong, "files over " + MAX_LINES + " lines: split them by job");
    }

    /** Records and enums are values, not classes wired with their dependencies: only classes count. */
    @Test
    void noConstructorTakesMoreThanSixParameters() throws ClassNotFoundException {
        Map<String, Integer> tooMany = new TreeMap<>();
        int checked = 0;
        for (Source source : sources()) {
            if (source.path().getFileName().toString().equals("package-info.java")) {
                continue;
            }
            for (Class<?> type : withNested(Class.forName(source.className(), false, getClass().getClassLoader()))) {
                if (type.isRecord() || type.isEnum() || type.isInterface()) {
                    continue;
                }
                checked++;
                boolean inner = type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers());
                for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                    int parameters = constructor.getParameterCount() - (inner ? 1 : 0);
                    if (!constructor.isSynthetic() && parameters > MAX_CONSTRUCTOR_PARAMETERS) {
                        tooMany.merge(type.getName(), parameters, Math::max);
                    }
                }
            }
        }
        assertTrue(checked > 50, "only " + checked + " classes found: is the source tree where the test looks?");
        assertEquals(Map.of(), tooMany, "constructors with more than " + MAX_CONSTRUCTOR_PARAMETERS
                + " parameters: the class does more than one job, or takes what one of its collaborators should");
    }

    @Test
    void packagesDependOnEachOtherOneWay() {
        Map<String, Set<String>> imports = new TreeMap<>();
        for (Source source : sources()) {
            Set<String> used = imports.computeIfAbsent(source.pkg(), p -> new TreeSet<>());
            Matcher imported = IMPORT.matcher(source.text());
            while (imported.find()) {
                String pkg = packageOf(imported.group(1));
                if (!pkg.equals(source.pkg())) {
                    used.add(pkg);
                }
            }
        }
        assertTrue(imports.containsKey("dev.voting.api.http") && imports.containsKey("dev.voting.worker"), imports.keySet().toString());
        List<List<String>> cycles = cycles(imports);
        assertEquals(List.of(), cycles, "package cycles: move the piece both sides need to where one of them can own it");
    }

    @Test
    void aCycleIsFoundWhereThereIsOne() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertEquals(List.of(List.of("a", "b", "c", "a")), cycles(graph));
        assertEquals(List.of(), cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "d", Set.of("a", "c"))));
    }

    @Test
    void anImportNamesAPackage() {
        assertEquals("dev.voting.api.http", packageOf("dev.voting.api.http.Response"));
        assertEquals("dev.voting.api.results", packageOf("dev.voting.api.results.ResultsFeeds.Subscription"));
        assertEquals("dev.voting.shared.json", packageOf("dev.voting.shared.json.Json.newMapper"));
        assertEquals("dev.voting.shared.http", packageOf("dev.voting.shared.http"));
    }

    /** The segments before the first that starts with a capital: a wildcard import names the package itself. */
    static String packageOf(String imported) {
        List<String> segments = new ArrayList<>();
        for (String segment : imported.split("\\.")) {
            if (Character.isUpperCase(segment.charAt(0))) {
                break;
            }
            segments.add(segment);
        }
        return String.join(".", segments);
    }

    /** One cycle per package that lies on one, each starting from its smallest package, found depth first. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Set<List<String>> found = new LinkedHashSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> cycle = pathBack(graph, start, start, new LinkedHashSet<>(List.of(start)));
            if (cycle != null && cycle.stream().allMatch(p -> p.compareTo(start) >= 0)) {
                found.add(cycle);
            }
        }
        return List.copyOf(found);
    }

    private static List<String> pathBack(Map<String, Set<String>> graph, String start, String at, LinkedHashSet<String> path) {
        for (String next : new TreeSet<>(graph.getOrDefault(at, Set.of()))) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (path.add(next)) {
                List<String> cycle = pathBack(graph, start, next, path);
                if (cycle != null) {
                    return cycle;
                }
                path.remove(next);
            }
        }
        return null;
    }

    private static List<Class<?>> withNested(Class<?> type) {
        List<Class<?>> all = new ArrayList<>(List.of(type));
        for (Class<?> nested : type.getDeclaredClasses()) {
            all.addAll(withNested(nested));
        }
        return all;
    }

    private static List<Source> sources() {
        List<Source> sources = new ArrayList<>();
        for (String module : MODULES) {
            Path root = RepoFiles.path(module + "/src/main/java");
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String text = Files.readString(file);
                    Matcher pkg = PACKAGE.matcher(text);
                    assertTrue(pkg.find(), file + " has no package");
                    sources.add(new Source(file, pkg.group(1), text));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertTrue(sources.size() > 100, "only " + sources.size() + " sources under " + MODULES);
        return sources;
    }
}
