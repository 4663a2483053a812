package taleweaver.images;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProceduralImagesTest {
    @Test
    void sizesAndWeightsAsTheSpecSays() throws Exception {
        for (String name : List.of("老苏", "迷雾灯塔", "The Fogbound Lighthouse", "x", "星落湖的秘密")) {
            byte[] avatar = ProceduralImages.portrait(name);
            byte[] scene = ProceduralImages.landscape(name);
            var a = ImageIO.read(new ByteArrayInputStream(avatar));
            var s = ImageIO.read(new ByteArrayInputStream(scene));
            assertEquals(128, a.getWidth());
            assertEquals(128, a.getHeight());
            assertEquals(512, s.getWidth());
            assertEquals(288, s.getHeight());
            assertTrue(avatar.length <= 60_000 && scene.length <= 60_000, name + ": " + avatar.length + " / " + scene.length);
        }
    }

    @Test
    void deterministicPerNameAndDifferentAcrossNames() {
        assertArrayEquals(ProceduralImages.landscape("a"), ProceduralImages.landscape("a"));
        assertArrayEquals(ProceduralImages.portrait("a"), ProceduralImages.portrait("a"));
        assertFalse(Arrays.equals(ProceduralImages.portrait("a"), ProceduralImages.portrait("b")));
    }

    @Test
    void clientPngsAreCheckedBeforeUse() {
        String good = Png.base64(ProceduralImages.portrait("a"));
        assertTrue(Png.decode(good, 256 * 1024) != null);
        assertTrue(Png.decode("data:image/png;base64," + good, 256 * 1024) != null);
        assertNull(Png.decode("bm90IGEgcG5n", 256 * 1024));
        assertNull(Png.decode("%%%", 256 * 1024));
        assertNull(Png.decode(good, 100), "over the size limit");
        assertNull(Png.decode(null, 100));
    }
}
