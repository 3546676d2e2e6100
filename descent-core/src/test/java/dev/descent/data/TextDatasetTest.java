package dev.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.tensor.Philox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad data files and batch shapes end in one clear line, not in an OutOfMemoryError or an index error. */
class TextDatasetTest {
    @Test
    void devicesAreRefusedAtOnce() {
        // /dev/zero used to be read for 20 s into 5.4 GB before an OutOfMemoryError.
        for (String dev : new String[] {"/dev/zero", "/dev/urandom"}) {
            String m = assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> assertThrows(IllegalArgumentException.class, () -> TextDataset.fromFile(Path.of(dev))).getMessage());
            assertEquals("data file " + dev + " is not a regular file (a device, pipe or socket); give a file of at most 64 MiB", m);
        }
    }

    @Test
    void filesAboveTheLimitAreRefusedAndUtf8IsRequired(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("corpus.txt");
        Files.writeString(f, "abcdefghij".repeat(300));
        assertEquals(2700, TextDataset.fromFile(f, 3000).train().length);
        String m = assertThrows(IllegalArgumentException.class, () -> TextDataset.fromFile(f, 2048)).getMessage();
        assertEquals("data file " + f + " is 2.9 KiB; the limit is 2 KiB", m);
        Files.write(f, new byte[] {'a', (byte) 0xff, 'b'});
        assertEquals("data file " + f + " is not UTF-8 text (a binary file?)",
                assertThrows(IllegalArgumentException.class, () -> TextDataset.fromFile(f)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TextDataset.fromFile(dir.resolve("none.txt")))
                .getMessage().startsWith("data file not found: "));
    }

    @Test
    void aBatchLargerThanAnArrayIsRefusedByName() {
        // 65536 x 65536 overflowed int and failed with ArrayIndexOutOfBoundsException inside the copy loop.
        int[] data = new int[70_000];
        String m = assertThrows(IllegalArgumentException.class,
                () -> TextDataset.batch(data, 65536, 65536, Philox.stream(1, 2), 0)).getMessage();
        assertTrue(m.startsWith("batch_size 65536 x block_size 65536 = 4294967296 tokens per batch"), m);
    }

    @Test
    void csvReadersRefuseDevices() {
        String m = assertThrows(IllegalArgumentException.class, () -> Datasets.readLabelLastCsv(Path.of("/dev/zero"))).getMessage();
        assertTrue(m.startsWith("data file /dev/zero is not a regular file"), m);
    }
}
