package dev.voting.api.http;

import dev.voting.shared.config.Config;

/**
 * The JDK server reads its limits from system properties once, when its configuration class loads,
 * so they are set here before the first {@code HttpServer.create} (G7). {@code maxReqTime} is in
 * seconds, despite its documentation.
 */
public final class ServerLimits {
    private ServerLimits() {
    }

    public static void apply(Config.Http http) {
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(http.maxRequestSeconds()));
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
