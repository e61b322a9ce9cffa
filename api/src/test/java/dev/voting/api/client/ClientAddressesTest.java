package dev.voting.api.client;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who the client is behind the proxies, and who per-client limits count against. */
class ClientAddressesTest {
    private static final InetAddress PROXY = ip("10.0.0.5");
    private static final InetAddress STRANGER = ip("198.51.100.20");
    private final ClientAddresses xff = new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8")), ClientAddresses.Header.X_FORWARDED_FOR);
    private final ClientAddresses forwarded = new ClientAddresses(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8:ffff::/48")),
            ClientAddresses.Header.FORWARDED);

    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
        assertEquals(STRANGER, xff.clientBehind(STRANGER, List.of("203.0.113.7")), "a forged header from outside is ignored");
        assertEquals(STRANGER, ClientAddresses.direct().clientBehind(STRANGER, List.of("203.0.113.7")));
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        assertEquals(ip("203.0.113.7"), xff.clientBehind(PROXY, List.of("203.0.113.7")));
        assertEquals(ip("203.0.113.7"), xff.clientBehind(PROXY, List.of("1.2.3.4, 203.0.113.7")),
                "what the client wrote itself, on the left, is not believed");
        assertEquals(ip("203.0.113.7"), xff.clientBehind(PROXY, List.of("1.2.3.4, 203.0.113.7, 10.9.9.9")),
                "an inner trusted proxy is skipped");
        assertEquals(ip("203.0.113.7"), xff.clientBehind(PROXY, List.of("1.2.3.4", "203.0.113.7:4711")),
                "header lines in order; a port is dropped");
        assertEquals(ip("10.1.1.1"), xff.clientBehind(PROXY, List.of("10.1.1.1, 10.2.2.2")), "all trusted: the leftmost");
    }

    @Test
    void garbageStopsTheWalkAtTheProxyThatPassedItOn() {
        assertEquals(PROXY, xff.clientBehind(PROXY, List.of("203.0.113.7, not-an-ip")));
        assertEquals(PROXY, xff.clientBehind(PROXY, List.of("")));
        assertEquals(PROXY, xff.clientBehind(PROXY, null), "no header at all: the proxy itself");
        assertEquals(PROXY, xff.clientBehind(PROXY, List.of("www.example.org")), "names are never resolved");
    }

    @Test
    void theForwardedHeaderIsReadByItsForParameter() {
        assertEquals(ip("192.0.2.60"), forwarded.clientBehind(PROXY, List.of("for=192.0.2.60;proto=https;by=10.0.0.5")));
        assertEquals(ip("2001:db8:cafe::17"), forwarded.clientBehind(PROXY,
                List.of("for=198.51.100.1, For=\"[2001:db8:cafe::17]:4711\"")));
        assertEquals(ip("198.51.100.1"), forwarded.clientBehind(ip("2001:db8:ffff::1"),
                List.of("for=198.51.100.1, for=\"[2001:db8:ffff::2]\"")), "an IPv6 proxy range");
        assertEquals(PROXY, forwarded.clientBehind(PROXY, List.of("for=unknown")));
        assertEquals(PROXY, forwarded.clientBehind(PROXY, List.of("for=_hidden;proto=http")));
    }

    @Test
    void anIpv6ClientIsCountedPerSlash64AndAnIpv4OnePerAddress() {
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientAddresses.limitKey(ip("2001:db8:1:2::1")));
        assertEquals(ClientAddresses.limitKey(ip("2001:db8:1:2::1")), ClientAddresses.limitKey(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        assertFalse(ClientAddresses.limitKey(ip("2001:db8:1:2::1")).equals(ClientAddresses.limitKey(ip("2001:db8:1:3::1"))));
        assertEquals("203.0.113.7", ClientAddresses.limitKey(ip("203.0.113.7")));
        assertEquals("203.0.113.7", ClientAddresses.limitKey(ip("::ffff:203.0.113.7")), "an IPv4-mapped address is its IPv4");
        assertEquals(ClientAddresses.limitKey(ip("2001:db8:1:2::1")), ClientAddresses.limitKey("2001:db8:1:2::9"));
        assertEquals("unknown", ClientAddresses.limitKey("unknown"));
    }

    @Test
    void cidrRangesContainWhatTheySay() {
        Cidr range = Cidr.parse("192.168.8.0/21");
        assertTrue(range.contains(ip("192.168.15.255")));
        assertFalse(range.contains(ip("192.168.16.0")));
        assertFalse(range.contains(ip("2001:db8::1")), "another family is never inside");
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
        assertTrue(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:ffff::1")));
        assertTrue(Cidr.parse(" 10.0.0.1 ").contains(ip("10.0.0.1")), "a bare address is a range of one");
        for (String bad : List.of("10.0.0.0/33", "10.0.0.0/x", "proxy.internal", "10.0.0/8", "::/129")) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void theGateHoldsAClientToItsMaximumAndForgetsItWhenItLeaves() {
        ClientGate gate = new ClientGate(2);
        Optional<ClientGate.Pass> first = gate.enter("a");
        Optional<ClientGate.Pass> second = gate.enter("a");
        assertTrue(first.isPresent() && second.isPresent());
        assertTrue(gate.enter("a").isEmpty(), "a third place is refused");
        assertTrue(gate.enter("b").isPresent(), "another client is not affected");
        first.get().close();
        first.get().close();  // twice gives one place back
        Optional<ClientGate.Pass> again = gate.enter("a");
        assertTrue(again.isPresent());
        assertTrue(gate.enter("a").isEmpty());
        second.get().close();
        again.get().close();
        assertEquals(1, gate.clients(), "only b still holds a place: a client that left costs nothing");
    }
}
