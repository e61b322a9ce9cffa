package dev.voting.shared.logging;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Picks the appender of {@code logback.xml} from {@code LOG_FORMAT}: {@code json} gives one JSON
 * object per line, anything else plain text. A bad value still logs (as text), so that the
 * configuration error that {@code Config} then reports is seen.
 */
public final class LogFormatDefiner extends PropertyDefinerBase {
    @Override
    public String getPropertyValue() {
        String format = System.getenv("LOG_FORMAT");
        return format != null && format.strip().equals("json") ? "json" : "text";
    }
}
