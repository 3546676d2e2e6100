package dev.descent.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Test helpers: hex decoding, hand-built files and random mutations. */
final class TestBytes {
    private TestBytes() {}

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    /** A safetensors file with the given header text (unpadded, as is) and {@code dataLength} zero bytes of data. */
    static byte[] safetensors(String json, int dataLength) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataLength).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).array();
    }

    /** A .npy file of the given version with the dict text as is (no padding added) followed by {@code data}. */
    static byte[] npy(int major, String dict, byte[] data) {
        byte[] h = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) len.putShort((short) h.length);
        else len.putInt(h.length);
        out.writeBytes(len.array());
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] littleEndianFloats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    /**
     * Applies 1 to 4 random mutations: byte overwrite, truncation, overwriting a length field
     * (at {@code lengthAt}, {@code lengthSize} bytes) with an interesting value, insertion, deletion,
     * digit changes inside the header and range duplication.
     */
    static byte[] mutate(byte[] base, long seed, int lengthAt, int lengthSize) {
        Random r = new Random(seed);
        byte[] b = base.clone();
        int count = 1 + r.nextInt(4);
        for (int m = 0; m < count; m++) {
            switch (r.nextInt(7)) {
                case 0 -> {
                    if (b.length > 0) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                case 2 -> {
                    if (b.length >= lengthAt + lengthSize) {
                        long[] interesting = {0, 1, 7, 8, b.length, b.length - lengthAt - lengthSize, b.length + 1,
                                0xFFFF, 0x7FFFFFFFL, 0xFFFFFFFFL, Long.MAX_VALUE, -1, 100_000_001, r.nextLong()};
                        long v = interesting[r.nextInt(interesting.length)];
                        for (int i = 0; i < lengthSize; i++) b[lengthAt + i] = (byte) (v >>> (8 * i));
                    }
                }
                case 3 -> {
                    int at = r.nextInt(b.length + 1);
                    byte[] ins = new byte[1 + r.nextInt(8)];
                    r.nextBytes(ins);
                    byte[] nb = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, nb, 0, at);
                    System.arraycopy(ins, 0, nb, at, ins.length);
                    System.arraycopy(b, at, nb, at + ins.length, b.length - at);
                    b = nb;
                }
                case 4 -> {
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        int n = Math.min(b.length - at, 1 + r.nextInt(8));
                        byte[] nb = new byte[b.length - n];
                        System.arraycopy(b, 0, nb, 0, at);
                        System.arraycopy(b, at + n, nb, at, b.length - at - n);
                        b = nb;
                    }
                }
                case 5 -> { // change a digit (shapes, offsets) to another digit or a sign
                    int start = r.nextInt(b.length + 1);
                    for (int i = start; i < b.length; i++) {
                        if (b[i] >= '0' && b[i] <= '9') {
                            b[i] = (byte) "0123456789-9".charAt(r.nextInt(12));
                            break;
                        }
                    }
                }
                default -> {
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        int n = Math.min(b.length - at, 1 + r.nextInt(16));
                        byte[] nb = new byte[b.length + n];
                        System.arraycopy(b, 0, nb, 0, at + n);
                        System.arraycopy(b, at, nb, at + n, b.length - at);
                        b = nb;
                    }
                }
            }
        }
        return b;
    }
}
