package dev.voting.api.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** An exchange held in memory, so that routing and responses can be tested without a socket. */
final class FakeExchange extends HttpExchange {
    private final String method;
    private final URI uri;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private final ByteArrayOutputStream responseBody = new ByteArrayOutputStream();
    private InputStream requestBody;
    private int status = -1;
    private long declaredLength;
    private boolean closed;

    FakeExchange(String method, String uri, String body) {
        this.method = method;
        this.uri = URI.create(uri);
        this.requestBody = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }

    FakeExchange header(String name, String value) {
        requestHeaders.add(name, value);
        return this;
    }

    String body() {
        return responseBody.toString(StandardCharsets.UTF_8);
    }

    long declaredLength() {
        return declaredLength;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public InputStream getRequestBody() {
        return requestBody;
    }

    @Override
    public OutputStream getResponseBody() {
        return responseBody;
    }

    @Override
    public void sendResponseHeaders(int code, long length) {
        if (status != -1) {
            throw new IllegalStateException("headers sent twice");
        }
        status = code;
        declaredLength = length;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return new InetSocketAddress("203.0.113.7", 40000);
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return new InetSocketAddress("127.0.0.1", 8000);
    }

    @Override
    public String getProtocol() {
        return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream in, OutputStream out) {
        requestBody = in;
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}
