package dev.descent.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a Spark master can be reached before a context is created: Spark's standalone client
 * retries an unreachable master for about a minute before giving up, so a wrong {@code cluster.master}
 * would look like a hang. A TCP connection to each {@code host:port} of a {@code spark://} URL (several
 * for a master with standby masters: one answering is enough) or to the API server of a {@code k8s://}
 * URL is tried within the timeout; {@code local[…]} and {@code yarn} are left to Spark.
 */
public final class MasterCheck {
    private MasterCheck() {}

    /** Throws {@link IllegalStateException} with a one-line message when no address of {@code master} accepts a connection. */
    public static void reachable(String master, int timeoutSeconds) {
        List<InetSocketAddress> addresses = addresses(master);
        if (addresses.isEmpty()) return;
        List<String> failures = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            try (Socket s = new Socket()) {
                s.connect(a, timeoutSeconds * 1000);
                return;
            } catch (IOException e) {
                failures.add(a.getHostString() + ":" + a.getPort() + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            }
        }
        throw new IllegalStateException("cannot reach the Spark master " + master + " within " + timeoutSeconds + " s: "
                + String.join(", ", failures) + "; check cluster.master and that the master is running");
    }

    static List<InetSocketAddress> addresses(String master) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (master.startsWith("spark://")) {
            for (String hp : master.substring("spark://".length()).split(",")) {
                int colon = hp.lastIndexOf(':');
                if (colon <= 0) throw new IllegalArgumentException("config key 'cluster.master' = " + master + ": expected spark://host:port");
                int port;
                try {
                    port = Integer.parseInt(hp.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("config key 'cluster.master' = " + master + ": port " + hp.substring(colon + 1) + " is not a number");
                }
                out.add(new InetSocketAddress(hp.substring(0, colon), port));
            }
        } else if (master.startsWith("k8s://")) {
            URI api = URI.create(master.substring("k8s://".length()).contains("://") ? master.substring("k8s://".length())
                    : "https://" + master.substring("k8s://".length()));
            int port = api.getPort() > 0 ? api.getPort() : (api.getScheme().equals("http") ? 80 : 443);
            out.add(new InetSocketAddress(api.getHost(), port));
        }
        return out;
    }
}
