package taleweaver.images;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Deterministic pictures from a name: a portrait on a banded backdrop, and a layered landscape under a sky
 * whose hour, hills and water come from the name. Flat bands keep each PNG small (well under 60 KB).
 */
public final class ProceduralImages implements ImageMaker {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Override
    public String name() { return "procedural"; }

    @Override
    public CompletableFuture<byte[]> avatar(String name, String description) {
        return CompletableFuture.completedFuture(portrait(name));
    }

    @Override
    public CompletableFuture<byte[]> background(String name, String description) {
        return CompletableFuture.completedFuture(landscape(name));
    }

    public static byte[] portrait(String name) {
        var rnd = new SplittableRandom(seed("portrait:" + name));
        int size = 128;
        var img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        float hue = rnd.nextFloat();
        bands(g, size, size, hue, 0.35f, 0.85f, 0.55f, 8);
        // halo behind the head
        g.setColor(Color.getHSBColor(hue + 0.08f, 0.25f, 0.95f));
        g.fill(new Ellipse2D.Double(24, 14, 80, 80));
        Color cloth = Color.getHSBColor(hue + 0.5f + (float) rnd.nextDouble(-0.1, 0.1), 0.55f, 0.55f);
        Color skin = SKIN[rnd.nextInt(SKIN.length)];
        Color hair = HAIR[rnd.nextInt(HAIR.length)];
        // shoulders and collar
        g.setColor(cloth);
        g.fill(new Ellipse2D.Double(18, 92, 92, 70));
        g.setColor(cloth.darker());
        var collar = new Path2D.Double();
        collar.moveTo(50, 94); collar.lineTo(64, 114); collar.lineTo(78, 94); collar.closePath();
        g.fill(collar);
        // neck and head
        g.setColor(skin.darker());
        g.fillRect(56, 78, 16, 18);
        g.setColor(skin);
        int headW = 38 + rnd.nextInt(8);
        g.fill(new Ellipse2D.Double(64 - headW / 2.0, 36, headW, 48));
        // hair: cap, long, topknot or hood
        g.setColor(hair);
        switch (rnd.nextInt(4)) {
            case 0 -> g.fill(new Ellipse2D.Double(64 - headW / 2.0 - 2, 30, headW + 4, 26));
            case 1 -> {
                g.fill(new Ellipse2D.Double(64 - headW / 2.0 - 4, 30, headW + 8, 28));
                g.fillRect((int) (64 - headW / 2.0 - 4), 44, 8, 44);
                g.fillRect((int) (64 + headW / 2.0 - 4), 44, 8, 44);
            }
            case 2 -> {
                g.fill(new Ellipse2D.Double(64 - headW / 2.0 - 2, 32, headW + 4, 22));
                g.fill(new Ellipse2D.Double(54, 18, 20, 18));
            }
            default -> {
                g.setColor(cloth.darker());
                var hood = new Path2D.Double();
                hood.moveTo(64 - headW / 2.0 - 8, 90); hood.curveTo(30, 20, 98, 20, 64 + headW / 2.0 + 8, 90);
                hood.lineTo(64 + headW / 2.0 - 2, 90); hood.curveTo(90, 40, 38, 40, 64 - headW / 2.0 + 2, 90);
                hood.closePath();
                g.fill(hood);
            }
        }
        // eyes
        g.setColor(new Color(40, 30, 30));
        int eyeY = 58 + rnd.nextInt(4);
        g.fillOval(54, eyeY, 5, 5);
        g.fillOval(69, eyeY, 5, 5);
        g.setColor(skin.darker());
        g.drawArc(58, eyeY + 10, 12, 6, 200, 140);
        // frame
        g.setColor(Color.getHSBColor(hue, 0.4f, 0.3f));
        g.drawRect(0, 0, size - 1, size - 1);
        g.dispose();
        return png(img);
    }

    public static byte[] landscape(String name) {
        var rnd = new SplittableRandom(seed("scene:" + name));
        int w = 512, h = 288;
        var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        int hour = rnd.nextInt(4); // dawn, day, dusk, night
        float[][] skies = {{0.95f, 0.45f, 0.95f}, {0.58f, 0.45f, 0.95f}, {0.05f, 0.65f, 0.9f}, {0.66f, 0.6f, 0.35f}};
        float[] sky = skies[hour];
        float skyHue = sky[0] + (float) rnd.nextDouble(-0.03, 0.03);
        bands(g, w, (int) (h * 0.75), skyHue, sky[1], sky[2], hour == 3 ? 0.15f : 0.75f, 12);
        if (hour == 3) {
            g.setColor(new Color(255, 255, 230));
            for (int i = 0; i < 40; i++) g.fillRect(rnd.nextInt(w), rnd.nextInt(h / 2), 2, 2);
        }
        // sun or moon
        int sx = 60 + rnd.nextInt(w - 120), sy = 30 + rnd.nextInt(60), sr = 18 + rnd.nextInt(18);
        g.setColor(hour == 3 ? new Color(235, 235, 210) : Color.getHSBColor(0.12f, hour == 1 ? 0.3f : 0.6f, 1f));
        g.fill(new Ellipse2D.Double(sx - sr, sy - sr, sr * 2.0, sr * 2.0));
        // three ridges, far to near
        float landHue = rnd.nextBoolean() ? 0.33f + (float) rnd.nextDouble(-0.08, 0.08) : 0.08f + (float) rnd.nextDouble(-0.04, 0.04);
        for (int layer = 0; layer < 3; layer++) {
            double base = h * (0.45 + layer * 0.14);
            double amp = 40 - layer * 10 + rnd.nextInt(20);
            double f1 = rnd.nextDouble(0.004, 0.012), f2 = rnd.nextDouble(0.015, 0.04), p1 = rnd.nextDouble(7), p2 = rnd.nextDouble(7);
            var ridge = new Path2D.Double();
            ridge.moveTo(0, h);
            for (int x = 0; x <= w; x += 8) {
                ridge.lineTo(x, base - amp * (Math.sin(x * f1 + p1) * 0.7 + Math.sin(x * f2 + p2) * 0.3));
            }
            ridge.lineTo(w, h);
            ridge.closePath();
            float bright = (hour == 3 ? 0.35f : 0.75f) - layer * 0.17f;
            g.setColor(Color.getHSBColor(layer == 0 ? skyHue : landHue, layer == 0 ? 0.25f : 0.5f, Math.max(0.08f, bright)));
            g.fill(ridge);
        }
        // water or a path in the foreground
        if (rnd.nextBoolean()) {
            g.setColor(Color.getHSBColor(skyHue, sky[1], sky[2] * (hour == 3 ? 0.3f : 0.6f)));
            g.fillRect(0, (int) (h * 0.86), w, h);
            g.setColor(Color.getHSBColor(skyHue, 0.2f, hour == 3 ? 0.5f : 0.9f));
            for (int i = 0; i < 6; i++) g.fillRect(rnd.nextInt(w - 60), (int) (h * 0.88) + rnd.nextInt(25), 20 + rnd.nextInt(40), 2);
        } else {
            g.setColor(Color.getHSBColor(0.09f, 0.35f, hour == 3 ? 0.3f : 0.7f));
            var path = new Path2D.Double();
            int px = 150 + rnd.nextInt(200);
            path.moveTo(px - 70, h); path.curveTo(px, h * 0.9, px - 40, h * 0.8, px + 5, h * 0.7);
            path.lineTo(px + 12, h * 0.7); path.curveTo(px - 20, h * 0.8, px + 40, h * 0.9, px + 70, h);
            path.closePath();
            g.fill(path);
        }
        g.dispose();
        return png(img);
    }

    private static final Color[] SKIN = {new Color(250, 220, 190), new Color(235, 195, 160), new Color(200, 150, 110),
            new Color(150, 105, 75), new Color(110, 75, 55)};
    private static final Color[] HAIR = {new Color(30, 25, 25), new Color(90, 60, 35), new Color(180, 140, 80),
            new Color(200, 200, 205), new Color(140, 40, 30), new Color(40, 50, 90)};

    private static void bands(Graphics2D g, int w, int h, float hue, float sat, float top, float bottom, int count) {
        for (int i = 0; i < count; i++) {
            float t = i / (float) (count - 1);
            g.setColor(Color.getHSBColor(hue, sat * (0.7f + 0.3f * t), top + (bottom - top) * t));
            int y0 = h * i / count, y1 = h * (i + 1) / count;
            g.fillRect(0, y0, w, y1 - y0 + (i == count - 1 ? 1000 : 0));
        }
    }

    private static Graphics2D start(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        return g;
    }

    private static long seed(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            long s = 0;
            for (int i = 0; i < 8; i++) s = s << 8 | (d[i] & 0xff);
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] png(BufferedImage img) {
        try {
            var out = new ByteArrayOutputStream(16_384);
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
