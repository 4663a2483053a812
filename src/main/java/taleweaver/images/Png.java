package taleweaver.images;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;

/** Base64 PNG in and out of the protocol (no {@code data:} prefix). */
public final class Png {
    private static final byte[] MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /**
     * The most pixels a client's PNG may declare (1024×1024, or any other shape of that area). Decoding one takes
     * at most 8 MB (16-bit RGBA), so even dozens at once fit a 512 MB server; anything larger is refused from its
     * header, before a byte of it is inflated.
     */
    public static final long MAX_PIXELS = 1024L * 1024;

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
        if (bytes.length > maxBytes || !isPng(bytes) || !sizeAllowed(bytes)) return null;
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes)) == null ? null : bytes;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The IHDR chunk comes first: its width and height (big-endian, after the chunk's length and type) are checked. */
    static boolean sizeAllowed(byte[] png) {
        if (png.length < 24) return false;
        var header = java.nio.ByteBuffer.wrap(png, 8, 16);
        int length = header.getInt();
        int type = header.getInt();
        long width = Integer.toUnsignedLong(header.getInt()), height = Integer.toUnsignedLong(header.getInt());
        return length == 13 && type == 0x49484452 /* IHDR */ && width > 0 && height > 0 && width * height <= MAX_PIXELS;
    }

    public static boolean isPng(byte[] bytes) {
        return bytes != null && bytes.length > MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }
}
