package dev.voting.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free loopback ports for services a test starts itself: never the shared 5432, 6379 or 5672. */
public final class Ports {
    private Ports() {
    }

    /** Handed out already: the kernel may offer a closed port again before its first taker listens on it. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /** A port free now and never handed out before in this JVM. */
    public static int free() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** True when something accepts connections on the loopback port. */
    public static boolean answers(int port) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
