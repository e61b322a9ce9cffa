package dev.voting.api.http;

/** A method and a path template such as {@code /api/v1/polls/{pollId}/votes}, with who may call it. */
public record Route(String method, String template, Access access, Handler handler) {

    public static Route get(String template, Access access, Handler handler) {
        return new Route("GET", template, access, handler);
    }

    public static Route post(String template, Access access, Handler handler) {
        return new Route("POST", template, access, handler);
    }
}
