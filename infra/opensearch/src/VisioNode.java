import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * An OpenSearch 2.19.6 node started in-process, for visio-archive: alone, or one node of a cluster on loopback.
 *
 * <p>Why not {@code org.opensearch.bootstrap.OpenSearch}: that bootstrap refuses to run as root (CI runs as
 * root), installs the security manager and expects the zip distribution's layout (plugin descriptors and
 * policies that the Maven Central module jars do not carry). Constructing {@link Node} with the module
 * plugin classes on the classpath avoids all three; the price is that we own settings, logging and shutdown.
 *
 * <p>Usage: {@code VisioNode HOME_DIR DATA_DIR LOGS_DIR HTTP_PORT}. Heap and other JVM flags are set by
 * run.sh. Optional environment: {@code VISIO_OPENSEARCH_TRANSPORT_PORT} (default: a free port in
 * 9300-9399), {@code VISIO_OPENSEARCH_NODE_NAME} (default "visio-node-1"), {@code VISIO_OPENSEARCH_CLUSTER_NAME}
 * (default "visio-archive"); for one node of a cluster, {@code VISIO_OPENSEARCH_SEED_HOSTS} (the nodes'
 * transport addresses, comma-separated; without it the node runs alone, {@code discovery.type: single-node})
 * and {@code VISIO_OPENSEARCH_INITIAL_MANAGERS} (node names that elect the first cluster manager).
 *
 * <p>Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT), 1 when the node fails to start, 2 on bad
 * arguments.
 */
public final class VisioNode {

    /**
     * The process's real stderr, kept because LogConfigurator redirects System.out/err into log4j:
     * startup failures must still reach the caller's stderr in plain words.
     */
    private static final java.io.PrintStream REAL_STDERR = System.err;

    /** Set once log4j is configured: from then on full stack traces go to the log file. */
    private static volatile Logger logger;

    static final String CLUSTER_NAME = "visio-archive";

    /** The modules a plain distribution would load that the archive needs (HTTP, analysis, painless...). */
    static final List<Class<? extends Plugin>> PLUGINS = Collections.unmodifiableList(Arrays.asList(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class,
        MapperExtrasPlugin.class,
        ReindexPlugin.class));

    /** Exposes the protected constructor that takes classpath plugins. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }

        @Override
        protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
            // The distribution uses this to put node/cluster ids into log lines through a log4j
            // listener that the bootstrap sets up; without the bootstrap it is unneeded.
        }
    }

    private VisioNode() {}

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: VisioNode HOME_DIR DATA_DIR LOGS_DIR HTTP_PORT");
            System.exit(2);
        }
        final Path home = Paths.get(args[0]).toAbsolutePath().normalize();
        final Path data = Paths.get(args[1]).toAbsolutePath().normalize();
        final Path logs = Paths.get(args[2]).toAbsolutePath().normalize();
        final int httpPort;
        try {
            httpPort = Integer.parseInt(args[3]);
        } catch (NumberFormatException e) {
            System.err.println("VisioNode: HTTP_PORT must be a number, got '" + args[3] + "'");
            System.exit(2);
            return;
        }
        final String transportPort = envOr("VISIO_OPENSEARCH_TRANSPORT_PORT", "9300-9399");
        final String nodeName = envOr("VISIO_OPENSEARCH_NODE_NAME", "visio-node-1");

        final Node node;
        try {
            Files.createDirectories(data);
            Files.createDirectories(logs);
            Files.createDirectories(home.resolve("config"));
            // PluginsService scans these; they stay empty because plugins come from the classpath.
            Files.createDirectories(home.resolve("plugins"));
            Files.createDirectories(home.resolve("modules"));

            Settings.Builder builder = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", data.toString())
                .put("path.logs", logs.toString())
                .put("cluster.name", envOr("VISIO_OPENSEARCH_CLUSTER_NAME", CLUSTER_NAME))
                .put("node.name", nodeName)
                // Loopback only: plain HTTP without security, and the production bootstrap checks
                // (vm.max_map_count...) are only enforced on non-loopback addresses.
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort)
                .put("transport.port", transportPort)
                // Developer machines and CI runners are often nearly full; do not block writes.
                .put("cluster.routing.allocation.disk.threshold_enabled", false);
            final String seedHosts = envOr("VISIO_OPENSEARCH_SEED_HOSTS", "");
            if (seedHosts.isEmpty()) {
                builder.put("discovery.type", "single-node");
            } else {
                // One node of a cluster on this host: the other nodes' transport addresses, and the
                // cluster-manager-eligible names that vote on the very first start (ignored afterwards,
                // once the cluster state on disk names its own voting configuration).
                builder.putList("discovery.seed_hosts", Arrays.asList(seedHosts.split(",")));
                final String managers = envOr("VISIO_OPENSEARCH_INITIAL_MANAGERS", "");
                if (!managers.isEmpty()) {
                    builder.putList("cluster.initial_cluster_manager_nodes", Arrays.asList(managers.split(",")));
                }
            }
            Settings settings = builder.build();

            Environment environment =
                InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), home.resolve("config"),
                    () -> nodeName);
            LogConfigurator.registerErrorListener();
            LogConfigurator.setNodeName(nodeName);
            LogConfigurator.configure(environment);
            logger = LogManager.getLogger(VisioNode.class);
            logger.info("starting OpenSearch node [{}] home={} data={} logs={} http=127.0.0.1:{}", nodeName, home,
                data, logs, httpPort);

            node = new EmbeddedNode(environment, PLUGINS);
        } catch (Throwable t) {
            if (logger != null) {
                logger.error("node failed to initialise", t);
            }
            failStartup(t);
            return;
        }

        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM/SIGINT: close the node (flushes and releases the data dir lock) before the JVM exits.
            logger.info("stopping OpenSearch node [{}]", nodeName);
            try {
                node.close();
                if (!node.awaitClose(20, TimeUnit.SECONDS)) {
                    logger.warn("node did not close within 20s");
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                logger.warn("error while stopping the node", e);
            } finally {
                logger.info("node stopped");
                stopped.countDown();
                // log4j's own shutdown hook is disabled (run.sh) so that the lines above still get written.
                Configurator.shutdown((LoggerContext) LogManager.getContext(false));
            }
        }, "visio-node-shutdown"));

        final long t0 = System.nanoTime();
        try {
            node.start();
        } catch (Throwable t) {
            logger.error("node failed to start", t);
            failStartup(t);
            return;
        }
        logger.info("node started in {} ms, http on 127.0.0.1:{}", (System.nanoTime() - t0) / 1_000_000, httpPort);

        // Node threads are daemon threads: keep the JVM alive until the shutdown hook has run.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Prints a short, readable reason (the full trace goes to the log) and exits with status 1. */
    private static void failStartup(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        REAL_STDERR.println("VisioNode: OpenSearch failed to start: " + t);
        if (root != t) {
            REAL_STDERR.println("VisioNode: root cause: " + root);
        }
        if (logger == null) {
            t.printStackTrace(REAL_STDERR);  // logging not configured yet: this is the only trace
        } else {
            REAL_STDERR.println("VisioNode: full trace in the log file under LOGS_DIR");
            Configurator.shutdown((LoggerContext) LogManager.getContext(false));  // flush the log
        }
        REAL_STDERR.flush();
        // halt, not exit: the shutdown hook would otherwise try to close a half-built node.
        Runtime.getRuntime().halt(1);
    }
}
