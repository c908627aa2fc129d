package rmqtest;

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * Starts ONE real RocketMQ process in this JVM, the way RocketMQ's own integration tests do
 * (controllers in-process, no ROCKETMQ_HOME, no shell scripts):
 *
 *   java ... rmqtest.ClusterNode namesrv &lt;file.properties&gt;
 *   java ... rmqtest.ClusterNode broker  &lt;file.properties&gt;
 *   java ... rmqtest.ClusterNode proxy   &lt;file.properties&gt;   (5.x: property proxyConfig names the
 *                                                        Proxy's JSON config; ProxyStartup in cluster mode)
 *
 * The same properties file is applied with MixAll.properties2Object to every config object
 * (NamesrvConfig/BrokerConfig, NettyServerConfig, NettyClientConfig, MessageStoreConfig), so a key
 * such as listenPort reaches whichever objects have it (5.x has it on BrokerConfig too).
 *
 * Prints "RMQ-LAUNCHER READY ..." once start() has returned. Exits (running the controller's
 * shutdown) on SIGTERM, or when the process -Drmqtest.ownerPid is gone (the Node process that owns the
 * cluster died without stopping it); in that second case it also deletes the folder named by the
 * property rmqtest.deleteOnOrphan.
 *
 * Compiles unchanged against 4.9.x and 5.3.x (the classes used here kept their packages).
 */
public final class ClusterNode {
    private static volatile boolean orphaned = false;

    /**
     * 5.3 keeps authentication/authorization settings in an AuthConfig of its own (ACL 2.0; 4.9 has no
     * such class and reads aclEnable from BrokerConfig). Filled like BrokerStartup does, by reflection
     * so that this file still compiles against 4.9.
     */
    private static BrokerController newBrokerController(Properties props, BrokerConfig b, NettyServerConfig s, NettyClientConfig c, MessageStoreConfig m) throws Exception {
        Class<?> authClass;
        try {
            authClass = Class.forName("org.apache.rocketmq.auth.config.AuthConfig");
        } catch (ClassNotFoundException e) {
            return new BrokerController(b, s, c, m);
        }
        Object auth = authClass.getConstructor().newInstance();
        MixAll.properties2Object(props, auth);
        authClass.getMethod("setConfigName", String.class).invoke(auth, b.getBrokerName());
        authClass.getMethod("setClusterName", String.class).invoke(auth, b.getBrokerClusterName());
        authClass.getMethod("setAuthConfigPath", String.class).invoke(auth, m.getStorePathRootDir() + File.separator + "config");
        return (BrokerController) BrokerController.class
            .getConstructor(BrokerConfig.class, NettyServerConfig.class, NettyClientConfig.class, MessageStoreConfig.class, authClass)
            .newInstance(b, s, c, m, auth);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ClusterNode namesrv|broker|proxy <file.properties>");
            System.exit(2);
        }
        // What BrokerStartup/NamesrvStartup do: make every RemotingCommand carry this release's version.
        if (System.getProperty("rocketmq.remoting.version") == null) {
            System.setProperty("rocketmq.remoting.version", Integer.toString(MQVersion.CURRENT_VERSION));
        }
        Properties props = new Properties();
        try (Reader r = new InputStreamReader(new FileInputStream(args[1]), StandardCharsets.UTF_8)) {
            props.load(r);
        }
        String deleteOnOrphan = props.getProperty("rmqtest.deleteOnOrphan");
        final Runnable shutdown;
        String what = args[0];
        long t0 = System.nanoTime();
        if ("namesrv".equals(what)) {
            NamesrvConfig namesrvConfig = new NamesrvConfig();
            NettyServerConfig nettyServerConfig = new NettyServerConfig();
            MixAll.properties2Object(props, namesrvConfig);
            MixAll.properties2Object(props, nettyServerConfig);
            NamesrvController controller = new NamesrvController(namesrvConfig, nettyServerConfig);
            if (!controller.initialize()) {
                System.err.println("RMQ-LAUNCHER FAILED NamesrvController.initialize() returned false");
                System.exit(3);
            }
            shutdown = controller::shutdown;
            installHooks(shutdown, deleteOnOrphan);
            controller.start();
            System.out.println("RMQ-LAUNCHER READY namesrv port=" + nettyServerConfig.getListenPort()
                + " version=" + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION)
                + " ms=" + (System.nanoTime() - t0) / 1_000_000);
        } else if ("broker".equals(what)) {
            BrokerConfig brokerConfig = new BrokerConfig();
            NettyServerConfig nettyServerConfig = new NettyServerConfig();
            NettyClientConfig nettyClientConfig = new NettyClientConfig();
            MessageStoreConfig messageStoreConfig = new MessageStoreConfig();
            MixAll.properties2Object(props, brokerConfig);
            MixAll.properties2Object(props, nettyServerConfig);
            MixAll.properties2Object(props, nettyClientConfig);
            MixAll.properties2Object(props, messageStoreConfig);
            BrokerController controller = newBrokerController(props, brokerConfig, nettyServerConfig, nettyClientConfig, messageStoreConfig);
            if (!controller.initialize()) {
                System.err.println("RMQ-LAUNCHER FAILED BrokerController.initialize() returned false");
                System.exit(3);
            }
            shutdown = controller::shutdown;
            installHooks(shutdown, deleteOnOrphan);
            controller.start();
            System.out.println("RMQ-LAUNCHER READY broker name=" + brokerConfig.getBrokerName()
                + " port=" + nettyServerConfig.getListenPort()
                + " version=" + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION)
                + " ms=" + (System.nanoTime() - t0) / 1_000_000);
        } else if ("proxy".equals(what)) {
            // 5.x only, by reflection so that this file still compiles against 4.9. ProxyStartup.main
            // starts the gRPC and remoting servers and returns; it installs its own shutdown hook and
            // calls System.exit(1) when start-up fails.
            Class<?> startup = Class.forName("org.apache.rocketmq.proxy.ProxyStartup");
            startup.getMethod("main", String[].class).invoke(null, (Object) new String[] {"-pc", props.getProperty("proxyConfig"), "-pm", "cluster"});
            installHooks(() -> { }, deleteOnOrphan);
            System.out.println("RMQ-LAUNCHER READY proxy"
                + " version=" + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION)
                + " ms=" + (System.nanoTime() - t0) / 1_000_000);
        } else {
            System.err.println("unknown role " + what);
            System.exit(2);
        }
        System.out.flush();
    }

    private static void installHooks(Runnable shutdown, String deleteOnOrphan) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("RMQ-LAUNCHER shutting down" + (orphaned ? " (parent gone)" : ""));
            try {
                shutdown.run();
            } catch (Throwable t) {
                t.printStackTrace();
            }
            if (orphaned && deleteOnOrphan != null && !deleteOnOrphan.isEmpty()) {
                deleteTree(new File(deleteOnOrphan).toPath());
            }
            System.out.println("RMQ-LAUNCHER stopped");
            System.out.flush();
        }, "rmqtest-shutdown"));
        // Exit (running the controller's shutdown) when the owning Node process is gone, however it died.
        long ownerPid = Long.getLong("rmqtest.ownerPid", -1L);
        if (ownerPid > 0) {
            Thread watcher = new Thread(() -> {
                while (true) {
                    boolean alive = ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false);
                    if (!alive) break;
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                orphaned = true;
                System.exit(0);
            }, "rmqtest-owner-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }

    private ClusterNode() {
    }
}
