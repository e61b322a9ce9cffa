package dev.voting.shared.lifecycle;

/** The services the system stands on, with what an operator types to start each on a dev machine. */
public enum Dependency {
    POSTGRESQL("PostgreSQL", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"),
    REDIS("Redis", "redis-server --daemonize yes --port 6379 --save '' --appendonly no"),
    RABBITMQ("RabbitMQ", "rabbitmq-server -detached");

    private final String displayName;
    private final String startHint;

    Dependency(String displayName, String startHint) {
        this.displayName = displayName;
        this.startHint = startHint;
    }

    public String displayName() {
        return displayName;
    }

    /** The start-up failure an operator sees: which service, where, why, and how to start it. */
    public String unreachable(String where, Throwable cause) {
        return displayName + " at " + where + " cannot be reached (" + rootMessage(cause) + ").\n"
                + "Start it (for example: " + startHint + ") or point the configuration at a running one (see .env.example).";
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
