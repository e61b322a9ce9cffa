package dev.voting.api.client;

import java.net.InetAddress;

/** An address range such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a range of one. */
public record Cidr(InetAddress network, int prefix) {

    /** {@link IllegalArgumentException} naming what is wrong; never a DNS lookup (literals only). */
    public static Cidr parse(String text) {
        String value = text.strip();
        int slash = value.indexOf('/');
        InetAddress address;
        try {
            address = address(slash < 0 ? value : value.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not an IP address or CIDR range");
        }
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + value + "' needs a prefix length from 0 to " + bits);
        }
        return new Cidr(address, prefix);
    }

    /**
     * An IP address literal, IPv4 in its four-part form only ({@code 10.0.0} would quietly be
     * {@code 10.0.0.0}); {@link IllegalArgumentException} otherwise. Never a DNS lookup.
     */
    static InetAddress address(String literal) {
        if (literal.indexOf(':') < 0 && literal.split("\\.", -1).length != 4) {
            throw new IllegalArgumentException("not a four-part IPv4 address");
        }
        return InetAddress.ofLiteral(literal);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        byte[] range = network.getAddress();
        if (candidate.length != range.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (candidate[i] != range[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (candidate[whole] & mask) == (range[whole] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
