package dev.voting.api.http;

import java.util.List;
import java.util.Map;

/** A method and a path template such as {@code /api/v1/polls/{pollId}/votes}, with who may call it. */
public record Route(String method, String template, Access access, Handler handler) {

    public static Route get(String template, Access access, Handler handler) {
        return new Route("GET", template, access, handler);
    }

    public static Route post(String template, Access access, Handler handler) {
        return new Route("POST", template, access, handler);
    }

    List<String> segments() {
        return List.of(template.substring(1).split("/", -1));
    }

    /** The path parameters when {@code path} fits this template, else null. */
    Map<String, String> match(String[] pathSegments) {
        List<String> segments = segments();
        if (segments.size() != pathSegments.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < pathSegments.length; i++) {
            String expected = segments.get(i);
            if (expected.startsWith("{")) {
                if (pathSegments[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new java.util.HashMap<>(4);
                }
                params.put(expected.substring(1, expected.length() - 1), pathSegments[i]);
            } else if (!expected.equals(pathSegments[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }
}
