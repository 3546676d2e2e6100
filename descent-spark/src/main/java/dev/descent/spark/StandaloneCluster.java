package dev.descent.spark;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on loopback, started from this JVM's classpath (the Maven artifacts a
 * test or {@code bin/descent-spark} runs with): a {@code SPARK_HOME}-like folder whose {@code jars/}
 * links every jar of the classpath (Spark and its dependencies, nothing downloaded), a master JVM and
 * {@code workers} worker JVMs of one core each, which start their executors as separate JVMs from that
 * folder. The classes of this build that are folders (target/classes) reach the executors through
 * {@code spark.executor.extraClassPath}. Used by the cluster tests and the scaling benchmark
 * ({@link ScalingBenchmark}); not a way to run a production cluster.
 */
public final class StandaloneCluster implements AutoCloseable {
    private final Path home;
    private final List<Process> daemons = new ArrayList<>();
    private final String master;
    private final String classFolders;

    public StandaloneCluster(Path dir, int workers) throws IOException, InterruptedException {
        this.home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> folders = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) folders.add(p.toAbsolutePath().toString());
            else if (entry.endsWith(".jar") && Files.isRegularFile(p) && !Files.exists(jars.resolve(p.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p.toAbsolutePath());
            }
        }
        this.classFolders = String.join(File.pathSeparator, folders);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        this.master = "spark://127.0.0.1:" + port;
        try {
            Process m = daemon(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    Integer.toString(port), "--webui-port", "0");
            awaitLine(m, dir.resolve("master.log"), "I have been elected leader", 90);
            for (int w = 0; w < workers; w++) {
                Path log = dir.resolve("worker-" + w + ".log");
                Process p = daemon(log, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                        "--webui-port", "0", "--work-dir", Files.createDirectories(dir.resolve("work-" + w)).toString(), master);
                awaitLine(p, log, "Successfully registered with master", 90);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The master URL. */
    public String master() { return master; }

    /** Driver settings for this cluster: loopback, one executor of one core per worker, this build's classes on the executors. */
    public Map<String, String> driverConf(int executors) {
        return Map.of("spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1", "spark.executor.cores", "1",
                "spark.cores.max", Integer.toString(executors), "spark.executor.memory", "512m",
                "spark.executor.extraClassPath", classFolders,
                // the context waits for all its executors before the first stage (a barrier stage needs them all)
                "spark.scheduler.minRegisteredResourcesRatio", "1.0", "spark.scheduler.maxRegisteredResourcesWaitingTime", "150s");
    }

    private Process daemon(Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(List.of(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptionArray()));
        cmd.addAll(List.of("-cp", home.resolve("jars") + File.separator + "*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        daemons.add(p);
        return p;
    }

    private static void awaitLine(Process p, Path log, String line, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) return;
            if (!p.isAlive()) throw new IOException("a Spark daemon exited: " + tail(log));
            Thread.sleep(200);
        }
        throw new IOException("no '" + line + "' from a Spark daemon within " + seconds + " s: " + tail(log));
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) return "(no log)";
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** The executor JVMs the workers started (for the failure test). */
    List<ProcessHandle> executors() {
        List<ProcessHandle> out = new ArrayList<>();
        for (Process d : daemons) d.descendants().forEach(out::add);
        return out;
    }

    @Override
    public void close() {
        for (Process d : daemons) {
            d.descendants().forEach(ProcessHandle::destroyForcibly);
            d.destroyForcibly();
        }
        for (Process d : daemons) {
            try {
                d.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
