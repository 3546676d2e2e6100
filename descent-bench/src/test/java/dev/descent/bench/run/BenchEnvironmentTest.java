package dev.descent.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchEnvironmentTest {
    /** Runs git in {@code dir} (identity given on the line, so no global config is needed); its output. */
    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=t", "-c", "user.email=t@example.org",
                "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out.strip();
    }

    private static boolean gitInstalled() {
        try {
            return new ProcessBuilder("git", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** True when git finds no repository around {@code dir} (a temporary folder normally). */
    private static boolean outsideAnyRepository(Path dir) throws Exception {
        Process p = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "--git-dir").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() != 0;
    }

    @Test
    void revisionAndDirtinessComeFromTheGivenFolderNotTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(gitInstalled(), "git is not installed");
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("a.txt"), "a");
        git(repo, "add", "a.txt");
        git(repo, "commit", "-q", "-m", "first");
        String head = git(repo, "rev-parse", "HEAD");
        assertTrue(head.matches("[0-9a-f]{40,64}"), head);

        assertEquals(head, BenchEnvironment.gitRevision(repo));
        assertEquals(false, BenchEnvironment.gitDirty(repo));
        // From a subfolder too, as git finds the repository around it.
        Files.createDirectories(repo.resolve("sub"));
        assertEquals(head, BenchEnvironment.gitRevision(repo.resolve("sub")));

        Files.writeString(repo.resolve("a.txt"), "changed");
        assertEquals(true, BenchEnvironment.gitDirty(repo));
        git(repo, "checkout", "-q", "--", "a.txt");
        Files.writeString(repo.resolve("untracked.txt"), "new");
        assertEquals(true, BenchEnvironment.gitDirty(repo), "an untracked file makes the tree dirty");
    }

    @Test
    void outsideARepositoryOrWithoutTheFolderItIsUnknown(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(gitInstalled(), "git is not installed");
        Assumptions.assumeTrue(outsideAnyRepository(dir), "the temporary folder is inside a git repository");
        assertEquals("unknown", BenchEnvironment.gitRevision(dir));
        assertNull(BenchEnvironment.gitDirty(dir));
        Path missing = dir.resolve("missing");
        assertEquals("unknown", BenchEnvironment.gitRevision(missing));
        assertNull(BenchEnvironment.gitDirty(missing));
    }

    @Test
    void theProjectRootIsTheHomePropertyElseTheWorkingDirectory(@TempDir Path dir) throws Exception {
        String old = System.getProperty(BenchEnvironment.HOME_PROPERTY);
        try {
            System.setProperty(BenchEnvironment.HOME_PROPERTY, dir.toString());
            assertEquals(dir.toAbsolutePath(), BenchEnvironment.projectRoot());
            JsonNode env = new ObjectMapper().readTree(BenchEnvironment.json(2));
            assertTrue(env.has("git_revision") && env.has("git_dirty"), env.toString());
            if (gitInstalled() && outsideAnyRepository(dir)) {
                assertEquals("unknown", env.get("git_revision").asText(), env.toString());
                assertTrue(env.get("git_dirty").isNull(), env.toString());
            }
            System.clearProperty(BenchEnvironment.HOME_PROPERTY);
            assertEquals(Path.of("").toAbsolutePath(), BenchEnvironment.projectRoot());
        } finally {
            if (old == null) System.clearProperty(BenchEnvironment.HOME_PROPERTY);
            else System.setProperty(BenchEnvironment.HOME_PROPERTY, old);
        }
    }

    @Test
    void theKeysAreSorted() throws Exception {
        JsonNode env = new ObjectMapper().readTree(BenchEnvironment.json(1));
        List<String> keys = new ArrayList<>();
        env.fieldNames().forEachRemaining(keys::add);
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        assertEquals(sorted, keys);
        assertFalse(keys.isEmpty());
    }
}
