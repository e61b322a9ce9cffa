package dev.voting.api.client;

import com.sun.net.httpserver.HttpExchange;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who sent a request. The TCP peer, unless it is one of {@code TRUSTED_PROXIES}: then the client
 * is read from {@code TRUSTED_PROXY_HEADER}, walking its hops from the right (the ones the trusted
 * proxies appended) to the first address that is not a trusted proxy. Hops further left were
 * written by the client itself and are never believed; from an untrusted peer the header is ignored.
 */
public final class ClientAddresses {
    /** The header a deployment's proxies write the client into. */
    public enum Header {
        X_FORWARDED_FOR("X-Forwarded-For"),
        /** RFC 7239: {@code Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::17]:4711"}. */
        FORWARDED("Forwarded");

        private final String name;

        Header(String name) {
            this.name = name;
        }

        public String headerName() {
            return name;
        }

        public static Header named(String name) {
            return Arrays.stream(values()).filter(h -> h.name.equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("must be X-Forwarded-For or Forwarded"));
        }
    }

    /** An IPv6 subscriber usually gets a whole /64: limits count per /64, or one client would be 2^64 of them. */
    private static final int IPV6_CLIENT_PREFIX_BYTES = 8;

    private final List<Cidr> trusted;
    private final Header header;

    public ClientAddresses(List<Cidr> trusted, Header header) {
        this.trusted = List.copyOf(trusted);
        this.header = header;
    }

    /** No proxy trusted: the client is always the TCP peer. */
    public static ClientAddresses direct() {
        return new ClientAddresses(List.of(), Header.X_FORWARDED_FOR);
    }

    public InetAddress clientOf(HttpExchange exchange) {
        InetAddress peer = exchange.getRemoteAddress().getAddress();
        if (!isTrusted(peer)) {
            return peer;
        }
        return clientBehind(peer, exchange.getRequestHeaders().get(header.headerName()));
    }

    /** {@code values} are the header's lines in the order received; a hop that is not an address ends the walk. */
    InetAddress clientBehind(InetAddress peer, List<String> values) {
        List<InetAddress> hops = values == null ? List.of() : hops(values);
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0 && isTrusted(client); i--) {
            InetAddress hop = hops.get(i);
            if (hop == null) {
                break;  // garbage handed on by a trusted proxy: that proxy is the last address known to be true
            }
            client = hop;
        }
        return client;
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr range : trusted) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Every hop of the header, left to right; null where a hop is not an IP address ({@code unknown}, {@code _hidden}). */
    private List<InetAddress> hops(List<String> values) {
        List<InetAddress> hops = new ArrayList<>();
        for (String value : values) {
            for (String element : value.split(",")) {
                hops.add(address(header == Header.FORWARDED ? forParameter(element) : element.strip()));
            }
        }
        return hops;
    }

    private static String forParameter(String element) {
        for (String pair : element.split(";")) {
            String strip = pair.strip();
            if (strip.regionMatches(true, 0, "for=", 0, 4)) {
                String value = strip.substring(4).strip();
                return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1) : value;
            }
        }
        return "";
    }

    /** {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code 2001:db8::1} or {@code [2001:db8::1]:4711}; null otherwise. */
    private static InetAddress address(String hop) {
        String literal = hop;
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            literal = end < 0 ? "" : hop.substring(1, end);
        } else if (hop.indexOf(':') >= 0 && hop.indexOf(':') == hop.lastIndexOf(':')) {
            literal = hop.substring(0, hop.indexOf(':'));
        }
        if (literal.isEmpty() || literal.indexOf('%') >= 0) {
            return null;
        }
        try {
            return Cidr.address(literal);
        } catch (IllegalArgumentException e) {
            return null;  // not an address: the caller stops believing the header there
        }
    }

    /** What per-client limits count against: an IPv4 address, or the /64 an IPv6 address is in. */
    public static String limitKey(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] network = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(network, IPV6_CLIENT_PREFIX_BYTES, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network).getHostAddress().toLowerCase(Locale.ROOT) + "/64";
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }

    /** {@link #limitKey(InetAddress)} of an address as the vote message carries it. */
    public static String limitKey(String literal) {
        try {
            return limitKey(InetAddress.ofLiteral(literal));
        } catch (IllegalArgumentException e) {
            return literal;
        }
    }

    @Override
    public String toString() {
        return trusted.isEmpty() ? "no trusted proxies" : "trusted proxies " + trusted + " via " + header.headerName();
    }
}
