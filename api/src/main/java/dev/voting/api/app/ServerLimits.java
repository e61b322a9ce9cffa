package dev.voting.api.app;

import dev.voting.api.ApiConfig;

/**
 * The JDK server reads its limits from system properties once per JVM, when its configuration
 * class loads at the first {@code HttpServer.create} of any server in the process (the operator's
 * port included): {@code ApiApplication} sets them before it creates either (G7). A JVM that had
 * already made a server keeps that one's limits (tests that run several apps in one JVM), which is
 * why the limits are tested on the API run as a process of its own. {@code maxReqTime} and
 * {@code maxRspTime} are in seconds, despite their documentation.
 */
final class ServerLimits {
    private ServerLimits() {
    }

    static void apply(ApiConfig.Http http) {
        // From the first byte of a request to the last byte of its body: a slow body is cut off like slow headers.
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(http.maxReadSeconds()));
        System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(http.maxRequestSeconds()));
        System.setProperty("sun.net.httpserver.idleInterval", Integer.toString(http.idleSeconds()));
        // The idle sweep runs every clockTick (10 s by default): once a second keeps idle limits to the second.
        System.setProperty("sun.net.httpserver.clockTick", "1000");
        System.setProperty("jdk.httpserver.maxConnections", Integer.toString(http.maxConnections()));
        // Keep-alive for every client up to the connection cap, instead of the default 200.
        System.setProperty("sun.net.httpserver.maxIdleConnections", Integer.toString(http.maxConnections()));
        System.setProperty("sun.net.httpserver.maxReqHeaderSize", Integer.toString(http.maxHeaderBytes()));
        System.setProperty("sun.net.httpserver.maxReqHeaders", Integer.toString(http.maxHeaders()));
        // Headers and body are separate writes: without TCP_NODELAY, Nagle's algorithm and delayed ACKs can hold a response back by 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }
}
