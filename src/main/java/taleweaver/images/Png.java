package taleweaver.images;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;

/** Base64 PNG in and out of the protocol (no {@code data:} prefix). */
public final class Png {
    private static final byte[] MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Png() {}

    public static String base64(byte[] png) {
        return png == null ? null : Base64.getEncoder().encodeToString(png);
    }

    /** The PNG a client sent, when it is one of at most {@code maxBytes}; else null. A data: prefix is tolerated. */
    public static byte[] decode(String b64, int maxBytes) {
        if (b64 == null || b64.isBlank() || b64.length() > maxBytes * 4L / 3 + 16 + 64) return null;
        String s = b64.strip();
        if (s.startsWith("data:")) s = s.substring(s.indexOf(',') + 1);
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (bytes.length > maxBytes || !isPng(bytes)) return null;
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes)) == null ? null : bytes;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static boolean isPng(byte[] bytes) {
        return bytes != null && bytes.length > MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }
}
