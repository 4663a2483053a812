package taleweaver.images;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class PngTest {
    /** A valid, all-black PNG of the given size (colour type 0, bit depth 1): tiny on the wire, huge when decoded. */
    public static byte[] blackPng(int width, int height) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 1).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        var deflater = new Deflater(9);
        int row = 1 + (width + 7) / 8;
        byte[] zeros = new byte[row];
        var idat = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        for (int y = 0; y < height; y++) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) idat.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.finish();
        while (!deflater.finished()) idat.write(buffer, 0, deflater.deflate(buffer));
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(name);
        out.writeBytes(data);
        var crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void aSmallPictureIsTakenAsItIs() {
        byte[] png = blackPng(128, 128);
        assertArrayEquals(png, Png.decode(Base64.getEncoder().encodeToString(png), 256 * 1024));
    }

    @Test
    void aPictureDeclaringMorePixelsThanTheBoundIsRefusedFromItsHeader() {
        byte[] big = blackPng(2048, 2048); // valid and ~2 KB: ImageIO would decode it
        assertTrue(big.length < 4096);
        assertNull(Png.decode(Base64.getEncoder().encodeToString(big), 256 * 1024));
        assertTrue(Png.sizeAllowed(blackPng(1024, 1024)));
        assertFalse(Png.sizeAllowed(blackPng(1025, 1024)));
    }

    @Test
    void headersOfHeapEatersAreRefusedWithoutDecoding() {
        for (int side : new int[]{16000, 23000, Integer.MAX_VALUE}) {
            byte[] header = ByteBuffer.allocate(33).put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                    .putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(side).putInt(side)
                    .put(new byte[]{8, 6, 0, 0, 0}).putInt(0).array();
            assertFalse(Png.sizeAllowed(header), "side " + side);
            assertNull(Png.decode(Base64.getEncoder().encodeToString(header), 256 * 1024));
        }
        byte[] negative = ByteBuffer.allocate(33).put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(-1).putInt(1).put(new byte[9]).array();
        assertFalse(Png.sizeAllowed(negative));
        for (int[] side : new int[][]{{0, 5}, {5, 0}}) {
            byte[] empty = ByteBuffer.allocate(33).put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                    .putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(side[0]).putInt(side[1]).put(new byte[9]).array();
            assertFalse(Png.sizeAllowed(empty), "no pixels: " + side[0] + "×" + side[1]);
        }
    }

    @Test
    void aPictureOfExactlyTheAllowedBytesIsTakenAndOneByteMoreIsNot() {
        byte[] png = blackPng(64, 64);
        String b64 = Base64.getEncoder().encodeToString(png);
        assertArrayEquals(png, Png.decode(b64, png.length));
        assertNull(Png.decode(b64, png.length - 1));
    }
}
