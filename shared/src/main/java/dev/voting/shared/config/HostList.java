package dev.voting.shared.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * A URL naming several servers, {@code scheme://user:pass@host1:port1,host2:port2/path?query}, cut
 * into its parts; {@code userInfo} ends with {@code @} when there is one, {@code rest} is the path and query.
 */
record HostList(String scheme, String userInfo, List<String> hosts, String rest) {

    static HostList split(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("is not a URL (no ://)");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && url.charAt(authorityEnd) != '/' && url.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = url.substring(authorityStart, authorityEnd);
        int at = authority.lastIndexOf('@');
        List<String> hosts = List.of(authority.substring(at + 1).split(",", -1)).stream().map(String::strip).toList();
        return new HostList(url.substring(0, schemeEnd), authority.substring(0, at + 1), hosts, url.substring(authorityEnd));
    }

    /** One server's URL, {@code scheme://userInfo@host/rest}; it must name a host. */
    URI node(String host) {
        return uri(scheme + "://" + userInfo + host + rest);
    }

    static URI uri(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("names a server without a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + ")");
        }
    }
}
